package org.sagent.agent.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.sagent.agent.time.MonotonicInstant;

/**
 * What the ARP round after a lost replication carrier found for the public addresses: the
 * peers were asked and the addresses this node did not hold were probed in one round, so a
 * dead peer costs one round, not a peer check and then a probe. A take soon after a round that
 * found a peer dead needs no probe of its own for an address nobody answered for, and one that
 * somebody answered for counts as answered, as a probe's answer does. Pure.
 *
 * @param peerTakenForDead a peer asked stayed silent: the round is a takeover's probe only then
 * @param clear            the addresses probed that nobody answered for
 * @param answeredBy       the addresses somebody answered for (or probed for too), with its MAC
 * @param endedAt          when the round ended
 */
public record PeerCheckRound(boolean peerTakenForDead, Set<String> clear, Map<String, String> answeredBy,
                             MonotonicInstant endedAt) {

    /**
     * How long a round stands in for a take's own probe. The take follows the round at once on
     * the agent's loop (milliseconds); a second covers a busy loop. Later, a holder that came
     * since would go unseen: probe again.
     */
    public static final Duration RECENT = Duration.ofSeconds(1);

    public PeerCheckRound {
        clear = Set.copyOf(clear);
        answeredBy = Map.copyOf(answeredBy);
    }

    /** Nothing found: no round yet, or one that stands for nothing. */
    public static PeerCheckRound none() {
        return new PeerCheckRound(false, Set.of(), Map.of(), new MonotonicInstant(0));
    }

    /**
     * What the round says of each address it probed, for a take at {@code now}: nothing when no
     * peer was taken for dead in it or it is older than {@link #RECENT}.
     */
    public Map<String, TakeProbe> findings(MonotonicInstant now) {
        Duration age = now.since(endedAt);
        if (!peerTakenForDead || age.isNegative() || age.compareTo(RECENT) > 0) {
            return Map.of();
        }
        Map<String, TakeProbe> findings = new HashMap<>();
        clear.forEach(address -> findings.put(address, new TakeProbe.ClearWithPeerCheck()));
        answeredBy.forEach((address, mac) -> findings.put(address, new TakeProbe.AnsweredInPeerCheck(mac)));
        return Map.copyOf(findings);
    }
}
