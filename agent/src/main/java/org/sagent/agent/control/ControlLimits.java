package org.sagent.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The control socket's bounds and the pure rules built on them: which lane a request takes,
 * how long the agent may spend on it. Every time limit of a request counts from the moment
 * its connection was accepted, never from the moment a worker took it up: a client's own
 * timeout started when it connected.
 */
public final class ControlLimits {

    /** The longest request line, newline excluded. The longest real one (move-ip) is under 200 bytes. */
    public static final int MAX_REQUEST = 4096;
    /** From the accept to the request's newline; a client that is slower is cut off. */
    public static final Duration DEADLINE = Duration.ofSeconds(2);
    /**
     * Connections still sending their request line. A new one beyond this drops the oldest: a
     * real client sends its line as it connects, so the oldest is the likeliest to be a stuck
     * or hostile one, and the newcomer always gets its chance.
     */
    public static final int MAX_READING = 16;
    /** Workers and queue of the general lane (status, disable, enable, move-ip). */
    public static final int GENERAL_WORKERS = 2;
    public static final int GENERAL_QUEUE = 8;
    /**
     * Workers and queue of the fence lane, which nothing else uses: while DRBD keeps I/O frozen,
     * the fence-peer handler's question is the most urgent thing the agent answers. Two, for two
     * DRBD resources losing their peer at once.
     */
    public static final int FENCE_WORKERS = 2;
    public static final int FENCE_QUEUE = 4;
    /** The commands of the DRBD handlers: they take the fence lane. */
    public static final Set<String> FENCE_COMMANDS = Set.of("fence-peer", "unfence");
    /** How long the agent waits for its loop when a request does not say: the default client's 5 s, less a margin. */
    public static final Duration DEFAULT_ANSWER_WAIT = Duration.ofSeconds(4);
    /**
     * The longest a request may ask the agent to wait for its loop ({@code wait-ms}). A loop
     * that has not answered in 10 s is stuck: systemd's watchdog (WatchdogSec=10s) restarts
     * the agent then, so waiting longer would only hold a worker.
     */
    public static final Duration LONGEST_ANSWER_WAIT = Duration.ofSeconds(10);
    private static final Duration SHORTEST_ANSWER_WAIT = Duration.ofSeconds(1);

    private ControlLimits() {
    }

    /** The lane that serves {@code request}. */
    public enum Lane { GENERAL, FENCE }

    public static Lane laneOf(JsonNode request) {
        return FENCE_COMMANDS.contains(request.path("command").asText()) ? Lane.FENCE : Lane.GENERAL;
    }

    /**
     * How long the agent may take to answer {@code request}, counted from its accept: its
     * {@code wait-ms} (the client's own timeout, less a margin to carry the answer), within
     * 1 s and {@link #LONGEST_ANSWER_WAIT}; {@link #DEFAULT_ANSWER_WAIT} when it has none.
     */
    public static Duration answerWait(JsonNode request) {
        JsonNode wait = request.path("wait-ms");
        if (!wait.canConvertToLong()) {
            return DEFAULT_ANSWER_WAIT;
        }
        long millis = Math.max(SHORTEST_ANSWER_WAIT.toMillis(), Math.min(LONGEST_ANSWER_WAIT.toMillis(), wait.asLong()));
        return Duration.ofMillis(millis);
    }

    /**
     * What is left of {@code request}'s answer wait once it has been {@code sinceAccept} in the
     * agent (read, then queued for a worker); empty when nothing is: its client has given up,
     * so no worker should be spent on it.
     */
    public static Optional<Duration> timeLeft(JsonNode request, Duration sinceAccept) {
        Duration left = answerWait(request).minus(sinceAccept);
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }
}
