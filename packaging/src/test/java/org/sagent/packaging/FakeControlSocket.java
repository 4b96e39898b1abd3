package org.sagent.packaging;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The agent's control socket as the DRBD handler sees it, faked: one request line in, one answer
 * line out, per connection. The first {@code dropping} connections are closed unread, as the agent
 * drops the oldest of a burst still sending.
 */
final class FakeControlSocket implements AutoCloseable {

    static final Path HANDLER = Path.of("src/deb/share/drbd/sagent-drbd-handler");

    /** Connections accepted, dropped ones included. */
    final AtomicInteger connections = new AtomicInteger();
    private final int dropping;
    /** The answer to a request line; null for none (the connection is closed unanswered). */
    private final UnaryOperator<String> answer;
    private final ServerSocketChannel server;
    private final Thread thread;

    FakeControlSocket(Path socket, int dropping, UnaryOperator<String> answer) throws IOException {
        this.dropping = dropping;
        this.answer = answer;
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
                String reply = request == null ? null : answer.apply(request);
                if (reply != null) {
                    OutputStream out = Channels.newOutputStream(client);
                    out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
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

    /** How a run of the handler ended: within 20 s or killed, its exit status, what it said on stderr. */
    record Run(boolean ended, int exit, String said) {
    }

    /**
     * Runs the packaged handler with perl ({@code perlOptions} first), its runtime directory
     * {@code dir}, logger(1) replaced so nothing reaches the journal, and {@code environment} added;
     * waits at most 20 s. {@code ended} is false when it had to be killed.
     */
    static Run runHandler(Path dir, List<String> perlOptions, Map<String, String> environment, String command)
            throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("logger"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(bin.resolve("logger"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path stderr = dir.resolve("stderr.txt");
        List<String> line = new ArrayList<>(List.of("perl"));
        line.addAll(perlOptions);
        line.addAll(List.of(HANDLER.toAbsolutePath().toString(), command, "--runtime-dir", dir.toString(), "r0"));
        ProcessBuilder builder = new ProcessBuilder(line);
        builder.environment().putAll(environment);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
        Process handler = builder.start();
        if (!handler.waitFor(20, TimeUnit.SECONDS)) {
            handler.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            return new Run(false, -1, Files.readString(stderr));
        }
        return new Run(true, handler.exitValue(), Files.readString(stderr));
    }
}
