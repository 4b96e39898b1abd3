package org.sagent.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's control socket: a Unix stream socket, mode 0600 (root only), one JSON request
 * line in, one JSON response line out. Requests are bounded in size (4 KiB) and time (2 s);
 * two are served at once, eight may wait, more are refused at once: a malformed, huge or slow
 * client gets an error or is dropped, and never blocks or crashes the agent.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    static final int MAX_REQUEST = 4096;
    static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final Function<JsonNode, JsonNode> handler;
    private final ServerSocketChannel server;
    /** Two requests served at once, eight more waiting (each at most the deadline); beyond that, refused. */
    private final ThreadPoolExecutor workers = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(8), r -> daemon(r, "control-request"));
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "control-deadline"));
    private final Thread acceptor;
    private volatile boolean running = true;

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Binds {@code path} (replacing a stale socket left by a killed agent) and starts serving. */
    public ControlServer(Path path, Function<JsonNode, JsonNode> handler) throws IOException {
        this.path = path;
        this.handler = handler;
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        acceptor = daemon(this::accept, "control-accept");
        acceptor.start();
    }

    private void accept() {
        while (running) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (running) {
                    log.warn("control socket {}: {}", path, e.getMessage());
                }
                return;
            }
            try {
                workers.execute(() -> serve(client));
            } catch (RejectedExecutionException e) {
                reply(client, error("busy: ten requests are waiting already; try again"));
                close(client);
            }
        }
    }

    private void serve(SocketChannel client) {
        // A client that sends nothing, or too slowly, is cut off at the deadline.
        var deadline = deadlines.schedule(() -> close(client), DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        try {
            byte[] line = readLine(client);
            // The request is in: the deadline bounds the client, not the answer (bounded by the handler).
            deadline.cancel(false);
            JsonNode response;
            if (line == null) {
                response = error("request too long or not ended by a newline (at most " + MAX_REQUEST + " bytes)");
            } else {
                JsonNode request;
                try {
                    request = JSON.readTree(line);
                } catch (IOException e) {
                    request = null;
                }
                if (request == null || !request.isObject() || !request.path("command").isTextual()) {
                    response = error("not a request: send one line of JSON such as {\"command\":\"status\"}");
                } else {
                    response = handler.apply(request);
                }
            }
            reply(client, response);
        } catch (IOException | RuntimeException e) {
            // a client that went away, or was cut off: nothing to answer
        } finally {
            deadline.cancel(false);
            close(client);
        }
    }

    /** Bytes up to the first newline, or null when there is none within the limit. */
    static byte[] readLine(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (line.size() <= MAX_REQUEST) {
            buffer.clear();
            int n = client.read(buffer);
            if (n < 0) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                byte b = buffer.get(i);
                if (b == '\n') {
                    return line.toByteArray();
                }
                line.write(b);
            }
        }
        return null;
    }

    private static void reply(SocketChannel client, JsonNode response) {
        try {
            byte[] bytes = (JSON.writeValueAsString(response) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer out = ByteBuffer.wrap(bytes);
            while (out.hasRemaining()) {
                client.write(out);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** How long the agent waits for its own loop when a request does not say: the default client's 5 s, less a margin. */
    static final Duration DEFAULT_ANSWER_WAIT = Duration.ofSeconds(4);
    private static final Duration LONGEST_ANSWER_WAIT = Duration.ofMinutes(10);

    /**
     * How long the agent may take to answer {@code request}: its "wait-ms" (the client's own
     * timeout, less a margin to carry the answer), within 1 s and 10 min; 4 s when it has none.
     */
    public static Duration answerWait(JsonNode request) {
        JsonNode wait = request.path("wait-ms");
        if (!wait.canConvertToLong()) {
            return DEFAULT_ANSWER_WAIT;
        }
        long millis = Math.max(1000, Math.min(LONGEST_ANSWER_WAIT.toMillis(), wait.asLong()));
        return Duration.ofMillis(millis);
    }

    public static ObjectNode error(String message) {
        return JSON.createObjectNode().put("ok", false).put("error", message);
    }

    public static ObjectNode ok() {
        return JSON.createObjectNode().put("ok", true);
    }

    private static void close(SocketChannel client) {
        try {
            client.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // going away anyway
        }
        workers.shutdownNow();
        deadlines.shutdownNow();
    }
}
