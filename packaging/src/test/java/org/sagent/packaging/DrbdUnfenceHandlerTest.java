package org.sagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unfence-peer handler asks again when its connection is dropped before the agent read it,
 * as the agent drops the oldest of a burst of connections still sending: one dropped connection
 * must not cost the agent the news that the resync is done. It still ends within its bound when
 * the agent never answers. The agent is faked on the control socket; logger(1) is replaced.
 */
class DrbdUnfenceHandlerTest {

    private static final Path HANDLER = Path.of("src/deb/share/drbd/sagent-drbd-handler");

    @TempDir
    Path dir;

    @Test
    void connectionsDroppedUnreadAreAskedAgain() throws Exception {
        try (FakeAgent agent = new FakeAgent(dir.resolve("sagent.sock"), 2)) {
            Run run = unfence();
            assertEquals(0, run.exit, run.said);
            assertTrue(run.said.contains("unfence-peer r0: told the agent"), run.said);
            assertEquals(3, agent.connections.get(), "two dropped, the third answered: " + run.said);
            assertEquals(1, agent.answered.get(), run.said);
        }
    }

    @Test
    void anAgentThatDropsEveryConnectionIsGivenUpOnWithinTheBound() throws Exception {
        try (FakeAgent agent = new FakeAgent(dir.resolve("sagent.sock"), Integer.MAX_VALUE)) {
            long start = System.nanoTime();
            Run run = unfence();
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0, run.exit, "DRBD does not act on this handler's status: " + run.said);
            assertTrue(run.said.contains("the agent cannot be asked (the agent closed the connection)"), run.said);
            assertEquals(5, agent.connections.get(), "five tries, no more: " + run.said);
            assertTrue(tookMillis < 8000, "ended " + tookMillis + " ms after it started: " + run.said);
        }
    }

    private record Run(int exit, String said) {
    }

    private Run unfence() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("logger"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(bin.resolve("logger"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path stderr = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder("perl", HANDLER.toAbsolutePath().toString(), "unfence-peer",
                "--runtime-dir", dir.toString(), "r0");
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
        Process handler = builder.start();
        boolean ended = handler.waitFor(20, TimeUnit.SECONDS);
        if (!ended) {
            handler.destroyForcibly();
        }
        String said = Files.readString(stderr);
        assertTrue(ended, "still running after 20 s: " + said);
        return new Run(handler.exitValue(), said);
    }

    /** Closes its first {@code dropping} connections unread, as the agent drops one; answers the rest. */
    private static final class FakeAgent implements AutoCloseable {

        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();
        private final int dropping;
        private final ServerSocketChannel server;
        private final Thread thread;

        FakeAgent(Path socket, int dropping) throws IOException {
            this.dropping = dropping;
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = new Thread(this::serve, "fake-agent");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve() {
            while (server.isOpen()) {
                try (SocketChannel client = server.accept()) {
                    if (connections.incrementAndGet() <= dropping) {
                        continue;
                    }
                    String request = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                            StandardCharsets.UTF_8)).readLine();
                    if (request != null && request.contains("\"command\":\"unfence\"")) {
                        answered.incrementAndGet();
                        OutputStream out = Channels.newOutputStream(client);
                        out.write("{\"ok\":true}\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                } catch (IOException e) {
                    // closed: the test is over
                }
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(2000);
        }
    }
}
