package org.sagent.agent.control;

import static org.sagent.agent.control.ControlLimits.DEADLINE;
import static org.sagent.agent.control.ControlLimits.MAX_READING;
import static org.sagent.agent.control.ControlLimits.MAX_REQUEST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's control socket: a Unix stream socket, mode 0600 (root only), one JSON request
 * line in, one JSON response line out. One thread accepts and reads every connection without
 * blocking, so a client that sends slowly or nothing holds no worker; a complete request goes
 * to its lane's workers (the fence-peer handler's commands to a lane of their own). Every
 * bound is in {@link ControlLimits}: a malformed, huge, slow or excess client gets an error or
 * is dropped, and never blocks or crashes the agent.
 */
public final class ControlServer implements AutoCloseable {

    /** Answers one request; {@code wait} is what its client has left (the loop must answer within it). */
    @FunctionalInterface
    public interface Handler {
        JsonNode answer(JsonNode request, Duration wait);
    }

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A reply the client does not read within this is dropped: a worker never waits on a client. */
    private static final Duration REPLY_WRITE_LIMIT = Duration.ofSeconds(1);
    private static final Duration DROP_WARNING_EVERY = Duration.ofMinutes(1);

    private final Path path;
    private final Handler handler;
    private final LongSupplier nanoTime;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final ThreadPoolExecutor general = lane("control-request", ControlLimits.GENERAL_WORKERS,
            ControlLimits.GENERAL_QUEUE);
    private final ThreadPoolExecutor fence = lane("control-fence", ControlLimits.FENCE_WORKERS,
            ControlLimits.FENCE_QUEUE);
    /** Connections whose request line is not complete yet, oldest first. Acceptor thread only. */
    private final LinkedHashSet<Reading> reading = new LinkedHashSet<>();
    private final Thread acceptor;
    private volatile boolean running = true;
    /** Clients dropped (evicted, lane full) since the last warning. Acceptor thread only. */
    private int dropped;
    private long lastDropWarning;

    /** A connection being read: when it was accepted and what it has sent so far. */
    private static final class Reading {
        final SocketChannel channel;
        final long acceptedAt;
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        SelectionKey key;

        Reading(SocketChannel channel, long acceptedAt) {
            this.channel = channel;
            this.acceptedAt = acceptedAt;
        }
    }

    /** Binds {@code path} (replacing a stale socket left by a killed agent) and starts serving. */
    public ControlServer(Path path, Handler handler) throws IOException {
        this(path, handler, System::nanoTime);
    }

    /** @param nanoTime the monotonic clock every request's limits count on (a test's clock in tests) */
    ControlServer(Path path, Handler handler, LongSupplier nanoTime) throws IOException {
        this.path = path;
        this.handler = handler;
        this.nanoTime = nanoTime;
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        lastDropWarning = nanoTime.getAsLong() - DROP_WARNING_EVERY.toNanos();
        acceptor = new Thread(this::run, "control-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static ThreadPoolExecutor lane(String name, int workers, int queue) {
        AtomicInteger number = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue), r -> {
                    Thread thread = new Thread(r, name + "-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private void run() {
        while (running) {
            try {
                long untilNextDeadline = cutOffLateClients();
                selector.select(untilNextDeadline);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        acceptAll();
                    } else if (key.isReadable()) {
                        readFrom((Reading) key.attachment());
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    log.warn("control socket {}: {}", path, e.toString());
                }
            }
        }
    }

    /** Closes the connections past their deadline; returns the milliseconds until the next one (0: none). */
    private long cutOffLateClients() {
        long now = nanoTime.getAsLong();
        Iterator<Reading> oldestFirst = reading.iterator();
        while (oldestFirst.hasNext()) {
            Reading r = oldestFirst.next();
            long left = r.acceptedAt + DEADLINE.toNanos() - now;
            if (left > 0) {
                return Math.max(1, TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
            oldestFirst.remove();
            close(r.channel);
        }
        return 0;
    }

    private void acceptAll() throws IOException {
        for (int i = 0; i < 256; i++) {
            SocketChannel client = server.accept();
            if (client == null) {
                return;
            }
            client.configureBlocking(false);
            Reading r = new Reading(client, nanoTime.getAsLong());
            // A client usually has its line in the socket before we accept it: no slot needed then.
            if (!readFrom(r)) {
                continue;
            }
            makeRoom();
            try {
                r.key = client.register(selector, SelectionKey.OP_READ, r);
            } catch (IOException e) {
                close(client); // gone meanwhile
                continue;
            }
            reading.add(r);
        }
    }

    /**
     * Drops the oldest connections still sending until a newcomer fits, each after one last read:
     * its line may have arrived since the last select. The fence-peer handler writes right after
     * it connects; a burst of connections accepted in one go must not drop its request unread.
     */
    private void makeRoom() {
        while (reading.size() >= MAX_READING) {
            Reading oldest = reading.iterator().next();
            if (readFrom(oldest)) {
                finish(oldest);
                close(oldest.channel);
                noteDropped("too many connections still sending their request");
            }
        }
    }

    /** Reads what {@code r} has sent; true while its line is still incomplete (keep reading it). */
    private boolean readFrom(Reading r) {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        try {
            while (true) {
                buffer.clear();
                int n = r.channel.read(buffer);
                if (n == 0) {
                    return true;
                }
                if (n < 0) {
                    finish(r);
                    replyNow(r.channel, error("request too long or not ended by a newline (at most " + MAX_REQUEST
                            + " bytes)"));
                    close(r.channel);
                    return false;
                }
                for (int i = 0; i < n; i++) {
                    byte b = buffer.get(i);
                    if (b == '\n') {
                        finish(r);
                        dispatch(r);
                        return false;
                    }
                    r.line.write(b);
                }
                if (r.line.size() > MAX_REQUEST) {
                    finish(r);
                    replyNow(r.channel, error("request too long or not ended by a newline (at most " + MAX_REQUEST
                            + " bytes)"));
                    close(r.channel);
                    return false;
                }
            }
        } catch (IOException e) {
            finish(r);
            close(r.channel);
            return false;
        }
    }

    /** {@code r} is read: it leaves the selector (its channel stays open, non-blocking, for the reply). */
    private void finish(Reading r) {
        reading.remove(r);
        if (r.key != null) {
            r.key.cancel();
        }
    }

    private void dispatch(Reading r) {
        JsonNode request;
        try {
            request = JSON.readTree(r.line.toByteArray());
        } catch (IOException e) {
            request = null;
        }
        if (request == null || !request.isObject() || !request.path("command").isTextual()) {
            replyNow(r.channel, error("not a request: send one line of JSON such as {\"command\":\"status\"}"));
            close(r.channel);
            return;
        }
        JsonNode accepted = request;
        ThreadPoolExecutor lane = ControlLimits.laneOf(request) == ControlLimits.Lane.FENCE ? fence : general;
        try {
            lane.execute(() -> serve(r.channel, r.acceptedAt, accepted));
        } catch (RejectedExecutionException e) {
            replyNow(r.channel, error("busy: " + lane.getQueue().size() + " requests are waiting already; try again"));
            close(r.channel);
            noteDropped("its lane's workers and queue were full");
        }
    }

    private void serve(SocketChannel client, long acceptedAt, JsonNode request) {
        try {
            Duration sinceAccept = Duration.ofNanos(nanoTime.getAsLong() - acceptedAt);
            Optional<Duration> left = ControlLimits.timeLeft(request, sinceAccept);
            JsonNode response = left.isPresent() ? handler.answer(request, left.get())
                    : error("busy: this request waited " + sinceAccept.toMillis() + " ms for a worker, as long as its "
                    + "client waits; try again");
            reply(client, response);
        } catch (RuntimeException e) {
            reply(client, error("the agent could not answer: " + e));
        } finally {
            close(client);
        }
    }

    /** Writes {@code response} unless the client does not take it within {@link #REPLY_WRITE_LIMIT}. */
    private void reply(SocketChannel client, JsonNode response) {
        ByteBuffer out = encode(response);
        long giveUpAt = nanoTime.getAsLong() + REPLY_WRITE_LIMIT.toNanos();
        try {
            while (out.hasRemaining() && nanoTime.getAsLong() < giveUpAt) {
                if (client.write(out) == 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** One non-blocking write from the acceptor thread: an error is short, a client that does not read loses it. */
    private static void replyNow(SocketChannel client, JsonNode response) {
        try {
            client.write(encode(response));
        } catch (IOException e) {
            // the client went away
        }
    }

    private static ByteBuffer encode(JsonNode response) {
        try {
            return ByteBuffer.wrap((JSON.writeValueAsString(response) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A flood would fill the journal: one warning a minute with the count. */
    private void noteDropped(String why) {
        dropped++;
        long now = nanoTime.getAsLong();
        if (now - lastDropWarning >= DROP_WARNING_EVERY.toNanos()) {
            log.warn("control socket {}: dropped {} client(s) in the last minute, the latest because {}", path,
                    dropped, why);
            dropped = 0;
            lastDropWarning = now;
        }
    }

    /** Requests read and waiting for a worker, in both lanes (for tests). */
    int queuedRequests() {
        return general.getQueue().size() + fence.getQueue().size();
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
        selector.wakeup();
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Reading> left = new ArrayList<>(reading);
        reading.clear();
        left.forEach(r -> close(r.channel));
        try {
            selector.close();
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // going away anyway
        }
        general.shutdownNow();
        fence.shutdownNow();
    }
}
