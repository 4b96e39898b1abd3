package org.sagent.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket on a real Unix socket: access mode, requests, and every kind of bad client. */
class ControlServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final AtomicInteger handled = new AtomicInteger();

    private ControlServer server(Path socket) throws IOException {
        return new ControlServer(socket, request -> {
            handled.incrementAndGet();
            return ControlServer.ok().put("echo", request.path("command").asText());
        });
    }

    private static String exchange(Path socket, byte[] bytes, boolean end) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(bytes));
            if (end) {
                channel.shutdownOutput();
            }
            ByteBuffer in = ByteBuffer.allocate(8192);
            StringBuilder out = new StringBuilder();
            while (channel.read(in) > 0) {
                in.flip();
                out.append(StandardCharsets.UTF_8.decode(in));
                in.clear();
            }
            return out.toString();
        }
    }

    @Test
    void answersARequestAndIsReadableByItsOwnerOnly() throws Exception {
        Path socket = dir.resolve("run/sagent.sock");
        try (ControlServer server = server(socket)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            JsonNode reply = ControlClient.ask(socket, JSON.createObjectNode().put("command", "status"), Duration.ofSeconds(5));
            assertEquals("{\"ok\":true,\"echo\":\"status\"}", reply.toString());
        }
        assertTrue(Files.notExists(socket), "the socket is removed on close");
    }

    @Test
    void randomTruncatedAndOversizedInputGetsErrorsAndNeverStopsTheServer() throws Exception {
        Path socket = dir.resolve("sagent.sock");
        Random random = new Random(7);
        try (ControlServer server = server(socket)) {
            for (int i = 0; i < 60; i++) {
                byte[] junk = new byte[random.nextInt(300)];
                random.nextBytes(junk);
                for (int j = 0; j < junk.length; j++) {
                    if (junk[j] == '\n') {
                        junk[j] = ' ';
                    }
                }
                String reply = exchange(socket, (new String(junk, StandardCharsets.ISO_8859_1) + "\n")
                        .getBytes(StandardCharsets.ISO_8859_1), false);
                assertTrue(reply.startsWith("{\"ok\":false,\"error\":\"not a request"), "junk #" + i + ": " + reply);
            }
            assertTrue(exchange(socket, "{\"command\":\"sta".getBytes(StandardCharsets.UTF_8), true)
                    .contains("request too long or not ended by a newline"), "truncated request");
            byte[] huge = new byte[ControlServer.MAX_REQUEST * 3];
            java.util.Arrays.fill(huge, (byte) 'x');
            try {
                assertTrue(exchange(socket, huge, false).contains("request too long"), "oversized request");
            } catch (java.net.SocketException reset) {
                // Also fine: the server answered and closed while the client was still writing.
            }
            assertEquals(0, handled.get(), "no bad request reached the handler");
            // Still serving.
            assertEquals("status", ControlClient.ask(socket, JSON.createObjectNode().put("command", "status"),
                    Duration.ofSeconds(5)).path("echo").asText());
        }
    }

    @Test
    void aClientThatSendsNothingIsCutOffAtTheDeadline() throws Exception {
        Path socket = dir.resolve("sagent.sock");
        try (ControlServer server = server(socket);
             SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.connect(UnixDomainSocketAddress.of(socket));
            long start = System.nanoTime();
            ByteBuffer in = ByteBuffer.allocate(16);
            int read = silent.read(in); // blocks until the server closes us
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(-1, read);
            assertTrue(millis >= ControlServer.DEADLINE.toMillis() - 100 && millis < 10_000, "cut off after " + millis);
        }
    }

    @Test
    void aDeadAgentIsReportedAsNotRunning() {
        ControlClient.Unreachable e = org.junit.jupiter.api.Assertions.assertThrows(ControlClient.Unreachable.class,
                () -> ControlClient.ask(dir.resolve("nothing.sock"), JSON.createObjectNode().put("command", "status"),
                        Duration.ofSeconds(2)));
        assertTrue(e.getMessage().startsWith("the agent is not running"), e.getMessage());
    }

    @Test
    void theAgentWaitsForItsLoopAsLongAsTheClientWaitsLessAMargin() throws Exception {
        Path socket = dir.resolve("sagent.sock");
        try (ControlServer server = new ControlServer(socket, request -> ControlServer.ok()
                .put("wait", ControlServer.answerWait(request).toMillis()))) {
            JsonNode status = JSON.createObjectNode().put("command", "status");
            assertEquals(29_500, ControlClient.ask(socket, status, Duration.ofSeconds(30)).path("wait").asLong());
            assertEquals(4_500, ControlClient.ask(socket, status, Duration.ofSeconds(5)).path("wait").asLong());
            assertEquals(1_000, ControlClient.ask(socket, status, Duration.ofSeconds(1)).path("wait").asLong(),
                    "never less than a second");
            assertTrue(!status.has("wait-ms"), "the caller's request is left as it was");
        }
    }

    @Test
    void aRequestThatSaysNothingOrTooMuchGetsSaneBounds() {
        assertEquals(Duration.ofSeconds(4), ControlServer.answerWait(JSON.createObjectNode().put("command", "status")),
                "the DRBD handler's requests carry no wait: the former fixed 4 s");
        assertEquals(Duration.ofSeconds(4), ControlServer.answerWait(JSON.createObjectNode().put("wait-ms", "soon")));
        assertEquals(Duration.ofMinutes(10), ControlServer.answerWait(JSON.createObjectNode().put("wait-ms", 86_400_000L)));
        assertEquals(Duration.ofSeconds(1), ControlServer.answerWait(JSON.createObjectNode().put("wait-ms", -5)));
    }
}
