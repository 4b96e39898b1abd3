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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket on a real Unix socket: access mode, requests, its lanes, and every kind of bad client. */
class ControlServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final AtomicInteger handled = new AtomicInteger();
    /** Opened by the tests; closed after each. */
    private final List<SocketChannel> clients = new ArrayList<>();
    /** Released after each test, so a worker held by it never outlives it. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeClients() throws IOException {
        release.countDown();
        for (SocketChannel client : clients) {
            client.close();
        }
    }

    private ControlServer server(Path socket) throws IOException {
        return new ControlServer(socket, (request, wait) -> {
            handled.incrementAndGet();
            return ControlServer.ok().put("echo", request.path("command").asText());
        });
    }

    /**
     * A server whose "status" holds its worker until the test ends (a loop that does not
     * answer) and whose other commands answer at once; {@code entered} counts the held ones.
     */
    private ControlServer serverWithAStuckStatus(Path socket, Semaphore entered, AtomicLong clock) throws IOException {
        return new ControlServer(socket, (request, wait) -> {
            handled.incrementAndGet();
            if (request.path("command").asText().equals("status")) {
                entered.release();
                try {
                    release.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ControlServer.ok().put("echo", request.path("command").asText()).put("wait", wait.toMillis());
        }, clock::get);
    }

    private SocketChannel connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        clients.add(channel);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return channel;
    }

    /** Sends {@code line} and leaves the connection open, its answer unread. */
    private SocketChannel send(Path socket, String line) throws IOException {
        SocketChannel channel = connect(socket);
        channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        return channel;
    }

    /** The server's whole answer on {@code channel}, up to its close; fails when none comes within {@code within}. */
    private static String answerOn(SocketChannel channel, Duration within) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            StringBuilder out = new StringBuilder();
            ByteBuffer in = ByteBuffer.allocate(8192);
            try {
                while (channel.read(in) > 0) {
                    in.flip();
                    out.append(StandardCharsets.UTF_8.decode(in));
                    in.clear();
                }
            } catch (IOException e) {
                out.append("<").append(e.getMessage()).append(">");
            }
            return out.toString();
        }).get(within.toMillis(), TimeUnit.MILLISECONDS);
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

    private static JsonNode ask(Path socket, String command, Duration timeout) throws ControlClient.Unreachable {
        return ControlClient.ask(socket, JSON.createObjectNode().put("command", command), timeout);
    }

    /** Waits (bounded) until {@code count} requests wait for a worker in {@code server}. */
    private static void awaitQueued(ControlServer server, int count) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (server.queuedRequests() != count) {
            assertTrue(System.nanoTime() < deadline, "never happened within " + BOUND.toMillis() + " ms: " + count
                    + " requests queued (" + server.queuedRequests() + ")");
            Thread.sleep(10);
        }
    }

    private static void acquire(Semaphore entered, int permits, String what) throws InterruptedException {
        assertTrue(entered.tryAcquire(permits, BOUND.toMillis(), TimeUnit.MILLISECONDS),
                "never happened within " + BOUND.toMillis() + " ms: " + what);
    }

    @Test
    void answersARequestAndIsReadableByItsOwnerOnly() throws Exception {
        Path socket = dir.resolve("run/sagent.sock");
        try (ControlServer server = server(socket)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            JsonNode reply = ask(socket, "status", Duration.ofSeconds(5));
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
            byte[] huge = new byte[ControlLimits.MAX_REQUEST * 3];
            java.util.Arrays.fill(huge, (byte) 'x');
            try {
                assertTrue(exchange(socket, huge, false).contains("request too long"), "oversized request");
            } catch (java.net.SocketException reset) {
                // Also fine: the server answered and closed while the client was still writing.
            }
            assertEquals(0, handled.get(), "no bad request reached the handler");
            // Still serving.
            assertEquals("status", ask(socket, "status", Duration.ofSeconds(5)).path("echo").asText());
        }
    }

    @Test
    void aClientThatSendsNothingIsCutOffAtTheDeadline() throws Exception {
        Path socket = dir.resolve("sagent.sock");
        try (ControlServer server = server(socket)) {
            SocketChannel silent = connect(socket);
            long start = System.nanoTime();
            String answer = answerOn(silent, BOUND);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("", answer, "cut off without an answer");
            assertTrue(millis >= ControlLimits.DEADLINE.toMillis() - 100, "cut off after " + millis + " ms");
        }
    }

    @Test
    void theDeadlineCountsFromTheAcceptEvenWhileEveryWorkerIsHeld() throws Exception {
        Path socket = dir.resolve("sagent.sock");
        Semaphore entered = new Semaphore(0);
        try (ControlServer server = new ControlServer(socket, (request, wait) -> {
            entered.release();
            try {
                release.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ControlServer.ok();
        })) {
            for (int i = 0; i < ControlLimits.GENERAL_WORKERS; i++) {
                send(socket, "{\"command\":\"status\"}");
            }
            acquire(entered, ControlLimits.GENERAL_WORKERS, "every general worker held");
            // Were the deadline started by a worker, this client would wait as long as the workers are held.
            SocketChannel silent = connect(socket);
            assertEquals("", answerOn(silent, ControlLimits.DEADLINE.plusSeconds(3)),
                    "the silent client is cut off while no worker is free");
        }
    }

    @Test
    void theFenceHandlerIsAnsweredWhileEveryGeneralWorkerAndQueueSlotIsHeld() throws Exception {
        Path socket = dir.resolve("sagent.sock");
        Semaphore entered = new Semaphore(0);
        AtomicLong clock = new AtomicLong(); // still: no deadline cuts the held clients off meanwhile
        try (ControlServer server = serverWithAStuckStatus(socket, entered, clock)) {
            for (int i = 0; i < ControlLimits.GENERAL_WORKERS; i++) {
                send(socket, "{\"command\":\"status\"}");
            }
            acquire(entered, ControlLimits.GENERAL_WORKERS, "every general worker held");
            List<SocketChannel> queued = new ArrayList<>();
            for (int i = 0; i < ControlLimits.GENERAL_QUEUE; i++) {
                queued.add(send(socket, "{\"command\":\"status\"}"));
            }
            awaitQueued(server, ControlLimits.GENERAL_QUEUE);
            for (int i = 0; i < ControlLimits.MAX_READING; i++) {
                connect(socket).write(ByteBuffer.wrap("{\"comm".getBytes(StandardCharsets.UTF_8)));
            }
            // The general lane is full: one more is refused at once, not queued.
            assertTrue(ask(socket, "move-ip", Duration.ofSeconds(5)).path("error").asText().startsWith("busy: "),
                    "a request beyond the general lane's queue is refused");

            JsonNode fence = ask(socket, "fence-peer", Duration.ofSeconds(5));
            assertEquals("fence-peer", fence.path("echo").asText(), fence.toString());
            assertEquals("unfence", ask(socket, "unfence", Duration.ofSeconds(5)).path("echo").asText());

            release.countDown();
            for (SocketChannel channel : queued) {
                assertTrue(answerOn(channel, BOUND).contains("\"echo\":\"status\""), "a queued status answered");
            }
        }
    }

    @Test
    void moreClientsStillSendingThanTheBoundDropsTheOldestAndServesTheNewcomer() throws Exception {
        Path socket = dir.resolve("sagent.sock");
        AtomicLong clock = new AtomicLong(); // still: only the bound, never the deadline, cuts these off
        try (ControlServer server = serverWithAStuckStatus(socket, new Semaphore(0), clock)) {
            List<SocketChannel> slow = new ArrayList<>();
            for (int i = 0; i < ControlLimits.MAX_READING + 3; i++) {
                SocketChannel channel = connect(socket);
                channel.write(ByteBuffer.wrap("{".getBytes(StandardCharsets.UTF_8)));
                slow.add(channel);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals("", answerOn(slow.get(i), BOUND), "the oldest slow clients are dropped");
            }
            assertEquals("fence-peer", ask(socket, "fence-peer", Duration.ofSeconds(5)).path("echo").asText(),
                    "a newcomer is served");
            SocketChannel newest = slow.get(slow.size() - 1);
            newest.configureBlocking(false);
            assertEquals(0, newest.read(ByteBuffer.allocate(16)), "the newest slow client is still being read");
        }
    }

    @Test
    void aRequestWhoseClientGaveUpWhileQueuedReachesNoHandler() throws Exception {
        Path socket = dir.resolve("sagent.sock");
        Semaphore entered = new Semaphore(0);
        AtomicLong clock = new AtomicLong();
        try (ControlServer server = serverWithAStuckStatus(socket, entered, clock)) {
            for (int i = 0; i < ControlLimits.GENERAL_WORKERS; i++) {
                send(socket, "{\"command\":\"status\",\"wait-ms\":9000}");
            }
            acquire(entered, ControlLimits.GENERAL_WORKERS, "every general worker held");
            SocketChannel late = send(socket, "{\"command\":\"move-ip\",\"wait-ms\":3000}");
            SocketChannel inTime = send(socket, "{\"command\":\"disable\",\"wait-ms\":5000}");
            awaitQueued(server, 2);
            int before = handled.get();
            clock.addAndGet(Duration.ofSeconds(4).toNanos());
            release.countDown();

            String lateAnswer = answerOn(late, BOUND);
            assertTrue(lateAnswer.contains("busy: this request waited 4000 ms for a worker"), lateAnswer);
            JsonNode inTimeAnswer = JSON.readTree(answerOn(inTime, BOUND));
            assertEquals(1000, inTimeAnswer.path("wait").asLong(), "the handler gets what the client has left: "
                    + inTimeAnswer);
            assertEquals(before + 1, handled.get(), "only the request whose client still waits reached the handler");
        }
    }

    @Test
    void theHandlerMayWaitAsLongAsTheClientWaitsLessAMargin() throws Exception {
        Path socket = dir.resolve("sagent.sock");
        AtomicLong clock = new AtomicLong(); // still: the time in the agent is zero, the whole wait is left
        try (ControlServer server = new ControlServer(socket, (request, wait) -> ControlServer.ok()
                .put("wait", wait.toMillis()), clock::get)) {
            assertEquals(4_500, ask(socket, "status", Duration.ofSeconds(5)).path("wait").asLong());
            assertEquals(1_000, ask(socket, "status", Duration.ofSeconds(1)).path("wait").asLong(),
                    "never less than a second");
            assertEquals(ControlLimits.LONGEST_ANSWER_WAIT.toMillis(),
                    ask(socket, "status", Duration.ofSeconds(30)).path("wait").asLong(), "capped");
        }
    }

    @Test
    void aDeadAgentIsReportedAsNotRunning() {
        ControlClient.Unreachable e = org.junit.jupiter.api.Assertions.assertThrows(ControlClient.Unreachable.class,
                () -> ask(dir.resolve("nothing.sock"), "status", Duration.ofSeconds(2)));
        assertTrue(e.getMessage().startsWith("the agent is not running"), e.getMessage());
    }
}
