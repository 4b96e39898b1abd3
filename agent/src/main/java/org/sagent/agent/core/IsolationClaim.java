package org.sagent.agent.core;

import java.util.Set;

/**
 * What a node tells its peers over the LAN while its replication link is down (spec 7): the
 * inputs of its arbitration, so both nodes decide from the same facts, and how far its own
 * part has gone.
 *
 * @param healthyAtCut   the node was OK when it lost the replication link (its checks may fail
 *                       afterwards only because DRBD froze its I/O, so the health before counts)
 * @param reachesWitness it reaches a witness on the LAN now
 * @param drbdLostPeer   its DRBD declared the peer lost and called the fence-peer handler: the
 *                       connection is really gone, not a blip of the cable
 * @param stoodDownAt    ISO-8601 time when it finished standing down (null while it has not):
 *                       the winner's acknowledgement to resume
 * @param standDownReason why it stood down (null while it has not)
 * @param acknowledged   the peers whose stand-down this node has seen (the loser waits for this
 *                       before its action, so the winner need not wait for it to vanish)
 * @param episode        this node's random id for this arbitration
 * @param answers        the peer's arbitration id this claim answers (null until its claim has
 *                       arrived): a stand-down or an acknowledgement counts only in the
 *                       arbitration it answers, never in a later one
 */
public record IsolationClaim(boolean healthyAtCut, boolean reachesWitness, boolean drbdLostPeer, String stoodDownAt,
                             String standDownReason, Set<String> acknowledged, String episode, String answers) {

    public IsolationClaim {
        acknowledged = acknowledged == null ? Set.of() : Set.copyOf(acknowledged);
    }

    /** A claim outside any identified arbitration (tests, states from agents before 0.2). */
    public IsolationClaim(boolean healthyAtCut, boolean reachesWitness, boolean drbdLostPeer, String stoodDownAt,
                          String standDownReason, Set<String> acknowledged) {
        this(healthyAtCut, reachesWitness, drbdLostPeer, stoodDownAt, standDownReason, acknowledged, null, null);
    }

    /** It answers the arbitration {@code episode} (a non-null id). */
    public boolean answers(String episode) {
        return episode != null && episode.equals(answers);
    }

    public boolean stoodDown() {
        return stoodDownAt != null;
    }
}
