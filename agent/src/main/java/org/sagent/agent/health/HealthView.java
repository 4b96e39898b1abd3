package org.sagent.agent.health;

import java.util.List;
import java.util.stream.Collectors;

/** Every check's state at one moment, and what that means for the node. Pure. */
public record HealthView(List<CheckState> checks, int rise) {

    public HealthView {
        checks = List.copyOf(checks);
    }

    /** The node's health as status shows it. */
    public enum NodeHealth { STARTING, OK, UNHEALTHY }

    /** The start-up gate: open once every check has passed {@code rise} times in a row since start. */
    public boolean gateOpen() {
        return checks.stream().allMatch(CheckState::risen);
    }

    public boolean healthy() {
        return checks.stream().allMatch(CheckState::healthy);
    }

    /**
     * Healthy but for DRBD's I/O freeze for fencing: every check passes, or fails only because
     * DRBD froze for fencing over a disk otherwise fit ({@link CheckOutcome#frozenForFencing()}).
     * The freeze is a cut's consequence on both nodes alike; "healthy at the cut" sets it aside.
     */
    public boolean healthyButForFencingFreeze() {
        return gateOpen() && checks.stream().allMatch(c -> c.healthy()
                || c.last().map(r -> r.outcome().frozenForFencing()).orElse(false));
    }

    public NodeHealth nodeHealth() {
        if (!gateOpen()) {
            return NodeHealth.STARTING;
        }
        return healthy() ? NodeHealth.OK : NodeHealth.UNHEALTHY;
    }

    /**
     * Why an unhealthy check still counts as failing: its last failure, or, once it passes
     * again, that it is recovering (its passing reason alone would read as healthy).
     */
    public String whyUnhealthy(CheckState check) {
        boolean recovering = check.last().map(r -> r.outcome().passed()).orElse(false);
        return recovering ? "recovering, " + check.passesInRow() + "/" + rise + " passes: " + check.lastReason()
                : check.lastReason();
    }

    /** One line for systemd's STATUS= and logs: what the node waits for, or what is wrong. */
    public String summary() {
        if (!gateOpen()) {
            List<CheckState> waiting = checks.stream().filter(c -> !c.risen()).toList();
            return "STARTING: waiting for " + waiting.stream()
                    .map(c -> c.name() + " (" + (c.last().isEmpty() ? "not run yet"
                            : c.last().get().outcome().passed() ? c.passesInRow() + "/" + rise + " passes"
                            : c.lastReason()) + ")")
                    .collect(Collectors.joining(", "));
        }
        List<CheckState> failing = checks.stream().filter(c -> !c.healthy()).toList();
        if (!failing.isEmpty()) {
            return "UNHEALTHY: " + failing.stream().map(c -> c.name() + ": " + whyUnhealthy(c))
                    .collect(Collectors.joining("; "));
        }
        List<CheckState> degraded = checks.stream().filter(CheckState::degraded).toList();
        if (!degraded.isEmpty()) {
            return "OK, degraded: " + degraded.stream().map(c -> c.name() + ": " + c.lastReason())
                    .collect(Collectors.joining("; "));
        }
        return "OK: " + checks.size() + " check" + (checks.size() == 1 ? "" : "s") + " healthy";
    }
}
