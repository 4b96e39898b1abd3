package org.sagent.agent.core;

/**
 * Who keeps writing when the replication cable is cut (spec 7.2): one decision per node, from
 * what that node sees, such that the two nodes never both resume. Pure.
 *
 * <p>Rules:
 * <ol>
 *   <li>replication link up: nothing to decide;</li>
 *   <li>a node that reaches no witness never wins: it loses if its peer is on the LAN and
 *       reaches a witness (the peer will win), else it waits, frozen (nobody can win safely);</li>
 *   <li>a node that reaches a witness and does not hear its peer on the LAN wins now: the
 *       peer is dead or cut from everything, so its own handler cannot succeed;</li>
 *   <li>both on the LAN and both reaching a witness: the healthy one wins; both healthy or
 *       both unhealthy, the tie-break (the lowest node number, as o2cb's quorum keeps it, or
 *       a preferred node). A node whose peer on the LAN reaches no witness wins too. A winner
 *       with its peer on the LAN resumes only once the peer says it has stood down.</li>
 * </ol>
 * The one assumption: a LAN on which both nodes reach the witness lets them reach each other
 * (one switch, or a witness on the nodes' own segment).
 */
public final class Arbitration {

    private Arbitration() {
    }

    /** How a tie between two healthy (or two unhealthy) nodes is broken. */
    public sealed interface TieBreak {
        /** The lower node number wins, as o2cb's quorum rule keeps the lowest node. */
        record LowestNumber() implements TieBreak {
        }

        /** This node wins a tie (e.g. the one with the UPS). */
        record Prefer(String node) implements TieBreak {
        }
    }

    /**
     * What one node knows when its replication link goes down.
     *
     * @param peerOnLan          the peer's agent is heard on the LAN path
     * @param peerHealthy        the peer's health as it said over the LAN (ignored if not on the LAN)
     * @param peerReachesWitness as the peer said over the LAN (ignored if not on the LAN)
     */
    public record View(String self, int selfNumber, boolean selfHealthy, boolean selfReachesWitness,
                       String peer, int peerNumber, boolean replicationUp, boolean peerOnLan, boolean peerHealthy,
                       boolean peerReachesWitness, TieBreak tieBreak) {
    }

    public enum Decision {
        /** The replication link is up: DRBD resumes both nodes by itself. */
        NOT_NEEDED,
        /** Resume now: the peer is silent on the LAN and this node reaches a witness. */
        WIN_NOW,
        /** This node wins, but resumes only when the peer confirms it stood down. */
        WIN_AFTER_PEER_STANDS_DOWN,
        /** Stand down: release the addresses, stop Samba, record the fence, tell the peer. */
        LOSE,
        /** Stay frozen: nobody can win safely from here (no witness). */
        WAIT
    }

    public static Decision decide(View v) {
        if (v.replicationUp()) {
            return Decision.NOT_NEEDED;
        }
        if (!v.selfReachesWitness()) {
            return v.peerOnLan() && v.peerReachesWitness() ? Decision.LOSE : Decision.WAIT;
        }
        if (!v.peerOnLan()) {
            return Decision.WIN_NOW;
        }
        if (!v.peerReachesWitness()) {
            return Decision.WIN_AFTER_PEER_STANDS_DOWN;
        }
        return selfWinsAgainstPeer(v) ? Decision.WIN_AFTER_PEER_STANDS_DOWN : Decision.LOSE;
    }

    private static boolean selfWinsAgainstPeer(View v) {
        if (v.selfHealthy() != v.peerHealthy()) {
            return v.selfHealthy();
        }
        if (v.tieBreak() instanceof TieBreak.Prefer prefer
                && (prefer.node().equals(v.self()) || prefer.node().equals(v.peer()))) {
            return prefer.node().equals(v.self());
        }
        return v.selfNumber() != v.peerNumber() ? v.selfNumber() < v.peerNumber() : v.self().compareTo(v.peer()) < 0;
    }
}
