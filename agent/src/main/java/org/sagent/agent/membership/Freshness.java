package org.sagent.agent.membership;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Which authentic states are fresh. A signature proves who made a message, not when: a recorded
 * message replayed later carries a good tag. So every message carries its sender's stamp (a
 * random id for this run of the agent, and a sequence number) and echoes the latest stamps its
 * sender has heard from each node. A message counts only when it echoes a stamp that this node
 * sent recently (measured on this node's own monotonic clock: no clock needs to agree with
 * another's), echoes nothing older than the last message accepted on that path, and comes after
 * it. A replayed message from an earlier cut or an earlier run of either agent fails one of
 * these; a new run of the sender is accepted as soon as it has heard this node once.
 *
 * <p>Thread-safe: both paths' receivers and the publisher call it.
 */
public final class Freshness {

    /**
     * How old an echoed stamp of ours may be. States go out every second; a peer busy for a
     * while (seconds on a starved machine) sends stale echoes only until it has caught up.
     */
    public static final Duration WINDOW = Duration.ofSeconds(15);
    /** Stamps echoed per node, newest first: a burst of replayed old runs cannot push out the real one. */
    static final int ECHOED_RUNS = 4;
    /** Earlier runs of a node remembered as over, so their messages are refused. */
    static final int RETIRED_RUNS = 16;

    /** Why a message is or is not taken. */
    public enum Verdict {
        ACCEPTED,
        /** Its sender has not heard this run of this node yet (it just started, or this node did): not an attack. */
        NOT_YET_HEARD_US,
        /** It echoes a stamp older than the window, or older than what an accepted message echoed. */
        STALE,
        /** Its stamp is not newer than the last accepted from that sender on that path. */
        REPLAYED,
        /** It comes from a run of the sender that a newer run has replaced. */
        RETIRED_RUN
    }

    /** A sender's run and the number of one of its messages. */
    public record Stamp(String run, long seq) {
    }

    /** What an outgoing message carries: its own stamp and the echoes, by node. */
    public record Outgoing(Stamp stamp, Map<String, List<Stamp>> echoes) {
    }

    private record From(MembershipEvent.Path path, String node) {
    }

    private final String run;
    private final LongSupplier nanos;
    private final long windowNanos;
    private long seq;
    /** When each recent stamp of ours was made, by sequence number. */
    private final NavigableMap<Long, Long> sentAt = new TreeMap<>();
    /** Per node: its runs heard, each with its highest sequence number, in order of last advance. */
    private final Map<String, LinkedHashMap<String, Long>> heard = new HashMap<>();
    private final Map<From, Stamp> lastAccepted = new HashMap<>();
    private final Map<From, Long> lastEcho = new HashMap<>();
    private final Map<String, Deque<String>> retired = new HashMap<>();

    /**
     * @param run    this run's random id
     * @param nanos  a monotonic clock (System::nanoTime)
     * @param window how old an echoed stamp of ours may be
     */
    public Freshness(String run, LongSupplier nanos, Duration window) {
        this.run = run;
        this.nanos = nanos;
        this.windowNanos = window.toNanos();
    }

    /** For this run of the agent: a random run id, System.nanoTime, the default window. */
    public static Freshness forThisRun() {
        byte[] id = new byte[12];
        new java.security.SecureRandom().nextBytes(id);
        return new Freshness(java.util.HexFormat.of().formatHex(id), System::nanoTime, WINDOW);
    }

    public String run() {
        return run;
    }

    /** The stamp and echoes for the next outgoing message. */
    public synchronized Outgoing next() {
        seq++;
        long now = nanos.getAsLong();
        sentAt.put(seq, now);
        while (!sentAt.isEmpty() && now - sentAt.firstEntry().getValue() > windowNanos && sentAt.size() > 1) {
            sentAt.pollFirstEntry();
        }
        Map<String, List<Stamp>> echoes = new TreeMap<>();
        heard.forEach((node, runs) -> {
            List<Stamp> newestFirst = new ArrayList<>();
            runs.forEach((r, s) -> newestFirst.add(0, new Stamp(r, s)));
            echoes.put(node, List.copyOf(newestFirst));
        });
        return new Outgoing(new Stamp(run, seq), echoes);
    }

    /**
     * Notes an authentic message's stamp, so that the next outgoing messages echo it. Returns true
     * when it is a run of {@code node} not heard before: the caller publishes at once, so that the
     * new run hears its echo without waiting for the next periodic state.
     */
    public synchronized boolean heard(String node, Stamp stamp) {
        if (retired.getOrDefault(node, new ArrayDeque<>()).contains(stamp.run())) {
            return false;
        }
        LinkedHashMap<String, Long> runs = heard.computeIfAbsent(node, n -> new LinkedHashMap<>());
        Long known = runs.get(stamp.run());
        if (known != null && known >= stamp.seq()) {
            return false;
        }
        runs.remove(stamp.run());
        runs.put(stamp.run(), stamp.seq());
        while (runs.size() > ECHOED_RUNS) {
            runs.remove(runs.keySet().iterator().next());
        }
        return known == null;
    }

    /** Decides whether an authentic message from {@code node} on {@code path} is fresh, and remembers it if so. */
    public synchronized Verdict accept(MembershipEvent.Path path, String node, Stamp stamp, List<Stamp> echoesOfUs) {
        if (retired.getOrDefault(node, new ArrayDeque<>()).contains(stamp.run())) {
            return Verdict.RETIRED_RUN;
        }
        From from = new From(path, node);
        Stamp last = lastAccepted.get(from);
        if (last != null && last.run().equals(stamp.run()) && stamp.seq() <= last.seq()) {
            return Verdict.REPLAYED;
        }
        Stamp echo = echoesOfUs.stream().filter(s -> s.run().equals(run)).findFirst().orElse(null);
        if (echo == null) {
            return Verdict.NOT_YET_HEARD_US;
        }
        Long madeAt = sentAt.get(echo.seq());
        if (echo.seq() > seq || madeAt == null || nanos.getAsLong() - madeAt > windowNanos
                || echo.seq() < lastEcho.getOrDefault(from, 0L)) {
            return Verdict.STALE;
        }
        if (last != null && !last.run().equals(stamp.run())) {
            retire(node, last.run());
        }
        lastAccepted.put(from, stamp);
        lastEcho.put(from, echo.seq());
        return Verdict.ACCEPTED;
    }

    private void retire(String node, String oldRun) {
        Deque<String> runs = retired.computeIfAbsent(node, n -> new ArrayDeque<>());
        if (runs.contains(oldRun)) {
            return;
        }
        runs.addLast(oldRun);
        while (runs.size() > RETIRED_RUNS) {
            runs.removeFirst();
        }
        LinkedHashMap<String, Long> echoed = heard.get(node);
        if (echoed != null) {
            echoed.remove(oldRun);
        }
    }

    /** The runs of {@code node} refused as over (for tests and logs). */
    synchronized Set<String> retiredRuns(String node) {
        return new LinkedHashSet<>(retired.getOrDefault(node, new ArrayDeque<>()));
    }
}
