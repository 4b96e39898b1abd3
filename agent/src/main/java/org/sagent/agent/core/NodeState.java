package org.sagent.agent.core;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a node publishes about itself to its peers, on every change and periodically.
 *
 * @param incarnation      grows with every agent start: a restarted agent's state replaces the old
 * @param readiness        its health as its own checks see it
 * @param reasons          why it is not OK, for status
 * @param disabled         drained by an administrator
 * @param held             public addresses present on its interfaces right now (kernel truth)
 * @param released         addresses it released in the last few seconds: a taker needs no probe
 * @param eligibleForMillis how long it has been continuously OK and not disabled (0 if not)
 * @param upForMillis      how long its agent has run
 * @param seen             the nodes it has shared a membership view with since it started: their
 *                         absence now means they left, not that they were not found yet
 * @param pins             the {@code sagent move-ip} commands it was given and still stand, by address
 *                         (absent in states from agents before 0.1.0: none)
 * @param clients          the established client connections on each address it holds, as
 *                         "CLIENT-IP CLIENT-PORT SERVER-PORT", refreshed every connections.interval:
 *                         whoever takes an address after this node vanished tickles them; on an
 *                         address it has just released, the connections it reset or could not
 *                         reset there (ClientsLeftBehind): its taker tickles those
 * @param macs             the MAC addresses of its public-address interfaces: a probe or an ARP
 *                         claim from one of them is this cluster's own node, not a foreign host
 * @param isolation        its side of an arbitration while its replication link is down (null
 *                         when there is none)
 */
public record NodeState(String node, long incarnation, Readiness readiness, List<String> reasons, boolean disabled,
                        Set<String> held, Set<String> released, long eligibleForMillis, long upForMillis,
                        Set<String> seen, Map<String, Pin> pins, Map<String, List<String>> clients,
                        Set<String> macs, IsolationClaim isolation) {

    public NodeState {
        reasons = List.copyOf(reasons);
        held = Set.copyOf(held);
        released = Set.copyOf(released);
        seen = seen == null ? Set.of() : Set.copyOf(seen);
        pins = pins == null ? Map.of() : Map.copyOf(pins);
        clients = clients == null ? Map.of() : Map.copyOf(clients);
        macs = macs == null ? Set.of() : Set.copyOf(macs);
    }

    /** A state outside any arbitration. */
    public NodeState(String node, long incarnation, Readiness readiness, List<String> reasons, boolean disabled,
                     Set<String> held, Set<String> released, long eligibleForMillis, long upForMillis,
                     Set<String> seen, Map<String, Pin> pins, Map<String, List<String>> clients, Set<String> macs) {
        this(node, incarnation, readiness, reasons, disabled, held, released, eligibleForMillis, upForMillis, seen,
                pins, clients, macs, null);
    }

    /** A state without MAC addresses. */
    public NodeState(String node, long incarnation, Readiness readiness, List<String> reasons, boolean disabled,
                     Set<String> held, Set<String> released, long eligibleForMillis, long upForMillis,
                     Set<String> seen, Map<String, Pin> pins, Map<String, List<String>> clients) {
        this(node, incarnation, readiness, reasons, disabled, held, released, eligibleForMillis, upForMillis, seen,
                pins, clients, Set.of(), null);
    }

    /** A state without client connections. */
    public NodeState(String node, long incarnation, Readiness readiness, List<String> reasons, boolean disabled,
                     Set<String> held, Set<String> released, long eligibleForMillis, long upForMillis,
                     Set<String> seen, Map<String, Pin> pins) {
        this(node, incarnation, readiness, reasons, disabled, held, released, eligibleForMillis, upForMillis, seen,
                pins, Map.of(), Set.of(), null);
    }

    /** A state without pins. */
    public NodeState(String node, long incarnation, Readiness readiness, List<String> reasons, boolean disabled,
                     Set<String> held, Set<String> released, long eligibleForMillis, long upForMillis,
                     Set<String> seen) {
        this(node, incarnation, readiness, reasons, disabled, held, released, eligibleForMillis, upForMillis, seen,
                Map.of(), Map.of(), Set.of(), null);
    }

    /** May take a new address. */
    public boolean canTake() {
        return readiness == Readiness.OK && !disabled;
    }

    /**
     * May keep an address it holds: a restarting agent keeps its addresses while its gate is
     * closed, and so does a node in an arbitration that has not stood down (spec 7), whose checks
     * fail because DRBD froze its I/O until the decision: its peer froze at the same cut, so a
     * move would only send the clients to a frozen node and back. The loser's stand-down releases
     * them; the winner resumes holding them.
     */
    public boolean canHold() {
        return (readiness != Readiness.UNHEALTHY || arbitrating()) && !disabled;
    }

    /** In an arbitration over a lost replication link, and not stood down (yet). */
    public boolean arbitrating() {
        return isolation != null && isolation.stoodDownAt() == null;
    }

    /**
     * Says the same as {@code other} (what it holds, released, its readiness, reasons, pins and
     * claim): only the durations differ, so it need not be published before its time.
     */
    public boolean sameNews(NodeState other) {
        return readiness == other.readiness && disabled == other.disabled && held.equals(other.held)
                && released.equals(other.released) && reasons.equals(other.reasons) && pins.equals(other.pins)
                && java.util.Objects.equals(isolation, other.isolation);
    }
}
