package org.sagent.agent.membership;

import java.util.List;
import java.util.Map;
import org.sagent.agent.core.NodeState;

/**
 * A node state as it goes on the wire, inside the signed part: which path it was sent on (so a
 * message cannot be replayed on the other), who sent it, its stamp, and the stamps its sender has
 * heard from each node (see {@link Freshness}).
 *
 * @param version  the envelope's format (1)
 * @param path     "replication" or "lan"
 * @param from     the sending node's configured name
 * @param run      the sender's random id for this run of its agent
 * @param seq      the message's number in that run
 * @param echoes   by node, the newest stamps the sender has heard from it
 */
public record StateEnvelope(int version, String path, String from, String run, long seq,
                            Map<String, List<Freshness.Stamp>> echoes, NodeState state) {

    public static final int VERSION = 1;

    public StateEnvelope {
        echoes = echoes == null ? Map.of() : Map.copyOf(echoes);
    }

    public Freshness.Stamp stamp() {
        return new Freshness.Stamp(run, seq);
    }

    /** What the sender echoes of {@code node}'s stamps, newest first. */
    public List<Freshness.Stamp> echoesOf(String node) {
        return echoes.getOrDefault(node, List.of());
    }
}
