package org.sagent.agent.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Floods one endpoint of an agent, as a hostile or broken client on the LAN (or a local process)
 * would, and prints what the endpoint did to its connections. {@link EndpointFloodIT} runs it in
 * a test namespace: {@code http HOST PORT SECONDS} for the metrics endpoint, {@code unix PATH
 * SECONDS} for the control socket.
 *
 * <p>Three kinds of client at once: idle ones (connect, send nothing), slow ones (the start of a
 * request, then one byte every half second, never its end) and garbage ones (random bytes, then
 * the request's terminator, one connection after another, every other one oversized). A
 * connection the endpoint closes is counted and opened again, so the pressure lasts to the end.
 * Bounded in time (the span) and in count ({@link #MAX_CONNECTIONS}); a closed slot is reopened
 * no sooner than {@link #REOPEN_AFTER}, so that two shared cores still run the agent.
 */
public final class EndpointFlood {

    static final int IDLE = 32;
    /** Fewer than the metrics endpoint's eight workers: "a few slow clients". */
    static final int SLOW = 6;
    static final Duration TRICKLE = Duration.ofMillis(500);
    static final Duration REOPEN_AFTER = Duration.ofMillis(100);
    static final Duration GARBAGE_ANSWER_WAIT = Duration.ofSeconds(5);
    static final Duration CONNECT_WAIT = Duration.ofSeconds(2);
    static final int MAX_CONNECTIONS = 20_000;

    private final SocketAddress target;
    private final boolean http;
    private final long endAt;
    private final Random random = new Random(23);
    private int connections;
    private int idleClosed;
    private int slowClosed;
    private int connectFailed;
    private int garbageAnswered;
    private int garbageClosedSilently;

    /** One idle or slow client slot; reopened after the endpoint closes it. */
    private static final class Slot {
        final boolean slow;
        SocketChannel channel;
        long reopenAt;
        long nextByteAt;

        Slot(boolean slow) {
            this.slow = slow;
        }
    }

    private EndpointFlood(SocketAddress target, boolean http, Duration span) {
        this.target = target;
        this.http = http;
        this.endAt = System.nanoTime() + span.toNanos();
    }

    public static void main(String[] args) throws Exception {
        boolean http = args[0].equals("http");
        SocketAddress target = http ? new InetSocketAddress(args[1], Integer.parseInt(args[2]))
                : UnixDomainSocketAddress.of(args[1]);
        EndpointFlood flood = new EndpointFlood(target, http, Duration.ofSeconds(Long.parseLong(args[http ? 3 : 2])));
        Thread garbage = new Thread(flood::sendGarbage, "garbage");
        garbage.start();
        flood.holdIdleAndSlow();
        garbage.join(GARBAGE_ANSWER_WAIT.toMillis() + 1000);
        synchronized (flood) {
            System.out.println("flooded " + args[1] + ": connections=" + flood.connections + " idle-closed="
                    + flood.idleClosed + " slow-closed=" + flood.slowClosed + " garbage-answered="
                    + flood.garbageAnswered + " garbage-closed-silently=" + flood.garbageClosedSilently
                    + " connect-failed=" + flood.connectFailed);
        }
        System.exit(0);
    }

    private synchronized boolean mayConnect() {
        if (connections >= MAX_CONNECTIONS) {
            return false;
        }
        connections++;
        return true;
    }

    /** A connected, non-blocking channel; never waits long: a full backlog is a failed connect. */
    private SocketChannel connect() throws IOException {
        SocketChannel channel = SocketChannel.open(http ? StandardProtocolFamily.INET : StandardProtocolFamily.UNIX);
        try {
            if (http) {
                channel.socket().connect(target, (int) CONNECT_WAIT.toMillis());
                channel.configureBlocking(false);
            } else {
                channel.configureBlocking(false);
                // A Unix socket connects at once, or fails (EAGAIN) when the agent's backlog is full.
                if (!channel.connect(target)) {
                    throw new IOException("not connected at once");
                }
            }
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** The idle and slow slots, on one selector, until the end of the span. */
    private void holdIdleAndSlow() throws IOException {
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < IDLE + SLOW; i++) {
            slots.add(new Slot(i >= IDLE));
        }
        byte[] slowStart = (http ? "GET /metrics HTTP/1.1\r\nHost: flood\r\nX-Slow: " : "{\"command\":\"status\",\"x\":\"")
                .getBytes(StandardCharsets.US_ASCII);
        boolean announced = false;
        try (Selector selector = Selector.open()) {
            while (System.nanoTime() < endAt) {
                long now = System.nanoTime();
                for (Slot slot : slots) {
                    if (slot.channel == null && now >= slot.reopenAt && mayConnect()) {
                        try {
                            slot.channel = connect();
                            slot.channel.register(selector, SelectionKey.OP_READ, slot);
                            if (slot.slow) {
                                slot.channel.write(ByteBuffer.wrap(slowStart));
                                slot.nextByteAt = now + TRICKLE.toNanos();
                            }
                        } catch (IOException e) {
                            noteConnectFailed();
                            closed(slot, now, false);
                        }
                    } else if (slot.channel != null && slot.slow && now >= slot.nextByteAt) {
                        try {
                            slot.channel.write(ByteBuffer.wrap(new byte[] {'a'}));
                            slot.nextByteAt = now + TRICKLE.toNanos();
                        } catch (IOException e) {
                            closed(slot, now, true);
                        }
                    }
                }
                if (!announced) {
                    announced = true;
                    System.out.println("flooding " + target);
                    System.out.flush();
                }
                selector.select(50);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Slot slot = (Slot) key.attachment();
                    if (slot.channel == null) {
                        continue;
                    }
                    try {
                        // Whatever the endpoint says to a client that has not finished, only its close matters.
                        if (slot.channel.read(ByteBuffer.allocate(4096)) < 0) {
                            closed(slot, System.nanoTime(), true);
                        }
                    } catch (IOException e) {
                        closed(slot, System.nanoTime(), true);
                    }
                }
            }
        } finally {
            for (Slot slot : slots) {
                if (slot.channel != null) {
                    slot.channel.close();
                }
            }
        }
    }

    /** {@code slot}'s connection is over; {@code byTheEndpoint}: the endpoint closed it, count it. */
    private void closed(Slot slot, long now, boolean byTheEndpoint) {
        if (slot.channel != null) {
            try {
                slot.channel.close();
            } catch (IOException e) {
                // closed anyway
            }
            slot.channel = null;
        }
        slot.reopenAt = now + REOPEN_AFTER.toNanos();
        if (byTheEndpoint) {
            synchronized (this) {
                if (slot.slow) {
                    slowClosed++;
                } else {
                    idleClosed++;
                }
            }
        }
    }

    private synchronized void noteConnectFailed() {
        connectFailed++;
    }

    /** One garbage request after another until the end of the span, each waiting for its answer or close. */
    private void sendGarbage() {
        for (int i = 0; System.nanoTime() < endAt && mayConnect(); i++) {
            byte[] junk = new byte[i % 2 == 0 ? 1 + random.nextInt(300) : 5000];
            random.nextBytes(junk);
            for (int j = 0; j < junk.length; j++) {
                if (junk[j] == '\n' || junk[j] == '\r') {
                    junk[j] = 'x';
                }
            }
            byte[] end = (http ? "\r\n\r\n" : "\n").getBytes(StandardCharsets.US_ASCII);
            try (SocketChannel channel = connect(); Selector selector = Selector.open()) {
                ByteBuffer out = ByteBuffer.allocate(junk.length + end.length).put(junk).put(end).flip();
                channel.register(selector, SelectionKey.OP_READ);
                long giveUpAt = System.nanoTime() + GARBAGE_ANSWER_WAIT.toNanos();
                int answered = 0;
                boolean over = false;
                while (!over && System.nanoTime() < giveUpAt) {
                    if (out.hasRemaining()) {
                        channel.write(out); // a short write: the rest after the next select
                    }
                    selector.select(20);
                    selector.selectedKeys().clear();
                    int n = channel.read(ByteBuffer.allocate(4096));
                    answered += Math.max(0, n);
                    over = n < 0;
                }
                synchronized (this) {
                    if (answered > 0) {
                        garbageAnswered++;
                    } else {
                        garbageClosedSilently++;
                    }
                }
            } catch (IOException e) {
                // reset while writing an oversized request: the endpoint refused it
                synchronized (this) {
                    garbageClosedSilently++;
                }
            }
            try {
                Thread.sleep(REOPEN_AFTER.toMillis() / 10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
