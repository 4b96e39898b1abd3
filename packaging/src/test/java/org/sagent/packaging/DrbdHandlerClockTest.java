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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fence-peer handler's deadline runs on a monotonic clock: with the wall clock stepped by
 * hours at every read (NTP or {@code date -s} while DRBD keeps I/O frozen), it asks the agent
 * until the deadline the agent gave and then gives up, neither at once nor hours later. The
 * agent is faked on the control socket; logger(1) is replaced, so nothing reaches the journal.
 */
class DrbdHandlerClockTest {

    private static final Path HANDLER = Path.of("src/deb/share/drbd/sagent-drbd-handler");
    private static final long DEADLINE_MS = 1500;

    /** Loaded before the handler is compiled: each time() reads WALL_STEP seconds further than the last. */
    private static final String STEPPED_WALL_CLOCK = """
            package SteppedWallClock;
            my $reads = 0;
            BEGIN { *CORE::GLOBAL::time = sub () { return CORE::time() + $ENV{WALL_STEP} * $reads++; }; }
            1;
            """;

    @ParameterizedTest(name = "wall clock stepped by {0} s at every read")
    @ValueSource(longs = {7200, -7200})
    void theHandlerKeepsTheAgentsDeadlineWhateverTheWallClockDoes(long step, @TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("SteppedWallClock.pm"), STEPPED_WALL_CLOCK);
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Files.writeString(bin.resolve("logger"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(bin.resolve("logger"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path stderr = dir.resolve("stderr.txt");
        try (FakeAgent agent = new FakeAgent(dir.resolve("sagent.sock"))) {
            ProcessBuilder builder = new ProcessBuilder("perl", "-I" + dir, "-MSteppedWallClock",
                    HANDLER.toAbsolutePath().toString(), "fence-peer", "--runtime-dir", dir.toString(), "r0");
            builder.environment().put("WALL_STEP", Long.toString(step));
            builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
            Process handler = builder.start();
            boolean ended = handler.waitFor(20, TimeUnit.SECONDS);
            if (!ended) {
                handler.destroyForcibly();
            }
            String said = Files.readString(stderr);
            assertTrue(ended, "still waiting 20 s after a " + DEADLINE_MS + " ms deadline: the deadline followed the "
                    + "wall clock back; " + said);
            assertEquals(1, handler.exitValue(), said);
            assertTrue(agent.questions.get() >= 2, "asked " + agent.questions.get() + " times before giving up: the "
                    + "deadline followed the wall clock forward; " + said);
            assertTrue(agent.gaveUp.get(), "the agent was not told that the handler gave up; " + said);
            assertTrue(said.matches("(?s).*no decision within [12] s \\(waiting: .*"), said);
        }
    }

    /** Answers every fence-peer question as the agent does while it is still deciding. */
    private static final class FakeAgent implements AutoCloseable {

        final AtomicInteger questions = new AtomicInteger();
        final AtomicBoolean gaveUp = new AtomicBoolean();
        private final ServerSocketChannel server;
        private final Thread thread;

        FakeAgent(Path socket) throws IOException {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = new Thread(this::serve, "fake-agent");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve() {
            while (server.isOpen()) {
                try (SocketChannel client = server.accept()) {
                    String request = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                            StandardCharsets.UTF_8)).readLine();
                    if (request == null) {
                        continue;
                    }
                    if (request.contains("\"gave-up\":true")) {
                        gaveUp.set(true);
                    } else if (request.contains("\"command\":\"fence-peer\"")) {
                        questions.incrementAndGet();
                    }
                    OutputStream out = Channels.newOutputStream(client);
                    out.write(("{\"ok\":true,\"outcome\":\"waiting\",\"exit\":1,\"message\":\"no witness answered yet\","
                            + "\"deadline-ms\":" + DEADLINE_MS + "}\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
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
