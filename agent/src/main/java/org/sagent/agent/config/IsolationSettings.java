package org.sagent.agent.config;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the agent does when the replication link is lost while DRBD is dual-primary (spec 7):
 * who may keep writing, and what the other does. Absent from the file: off (the fence-peer
 * handler then never succeeds, so DRBD keeps a node that loses its peer frozen).
 *
 * @param enabled         the {@code isolation:} section is present
 * @param witnesses       LAN addresses (e.g. the router) a node must reach by ARP to win
 * @param witnessTimeout  how long one ARP request to a witness waits for its answer
 * @param witnessInterval how often the witnesses are asked while nothing happens
 * @param preferredNode   the node that wins a tie between two equally healthy nodes; empty: the
 *                        lowest node number (the node o2cb's own quorum rule keeps)
 * @param action          what a node that lost does once it has stood down
 * @param handlerDeadline the fence-peer handler gives up (exit 1: I/O stays frozen) after this
 * @param peerSilence     how long the peer must be silent on the LAN (out of the LAN view, no ARP
 *                        answer, no message) to be taken for dead or cut off from everything
 * @param drbdDisconnectAfter how long the replication carrier must stay lost before the agent
 *                        disconnects DRBD itself (so that DRBD freezes I/O and asks fence-peer at
 *                        once instead of after its ping timeout); empty: never, DRBD's own timers
 *                        decide. A peer already taken for dead (carrier lost, no ARP answer) is
 *                        disconnected at once.
 */
public record IsolationSettings(boolean enabled, List<Inet4Address> witnesses, Duration witnessTimeout,
                                Duration witnessInterval, Optional<String> preferredNode, Action action,
                                Duration handlerDeadline, Duration peerSilence,
                                Optional<Duration> drbdDisconnectAfter) {

    public static final Duration DEFAULT_WITNESS_TIMEOUT = Duration.ofMillis(300);
    public static final Duration DEFAULT_WITNESS_INTERVAL = Duration.ofSeconds(2);
    /**
     * Well inside the ~60 s after which o2hb resets a node whose heartbeat writes hang on frozen
     * I/O, minus DRBD's own detection time (up to ~20 s measured).
     */
    public static final Duration DEFAULT_HANDLER_DEADLINE = Duration.ofSeconds(30);
    /** Several witness rounds (twice a second during an arbitration) and a JGroups failure timeout. */
    public static final Duration DEFAULT_PEER_SILENCE = Duration.ofSeconds(3);
    /**
     * Spec F17: a cable back within a second fences nobody. Longer than the blips a link
     * renegotiation or a re-plugged cable gives, short enough for the winner's 2 s freeze target.
     */
    public static final Duration DEFAULT_DRBD_DISCONNECT_AFTER = Duration.ofSeconds(1);

    public enum Action {
        /** Reboot at once (a frozen Primary with OCFS2 mounted can neither unmount nor demote). */
        REBOOT,
        /** Stay frozen for an operator to resolve by hand (o2hb resets the node after ~60 s anyway). */
        STAY_FROZEN
    }

    public IsolationSettings {
        witnesses = List.copyOf(witnesses);
    }

    public static IsolationSettings off() {
        return new IsolationSettings(false, List.of(), DEFAULT_WITNESS_TIMEOUT, DEFAULT_WITNESS_INTERVAL,
                Optional.empty(), Action.REBOOT, DEFAULT_HANDLER_DEADLINE, DEFAULT_PEER_SILENCE, Optional.empty());
    }

    /** The tie-break as the configuration file spells it. */
    public String tieBreakText() {
        return preferredNode.orElse("lowest-number");
    }
}
