package org.sagent.agent.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What this node must do to its own interfaces so they match the allocation (spec 2.4):
 * release what belongs elsewhere; take what is ours only once no other member claims it,
 * probing first unless its last holder said it let go or the peer check's ARP round has just
 * probed it ({@link PeerCheckRound}). Pure.
 *
 * @param release addresses to remove now
 * @param take    addresses to add (after a probe when {@link Take#probe()})
 * @param waiting addresses that are ours but still held by another member, which must release first
 */
public record ReconcilePlan(List<String> release, List<Take> take, List<String> waiting) {

    /** An address to add, with or without a duplicate-address probe first. */
    public record Take(String address, TakeProbe probing) {

        /** With a probe first, or without one because its holder released it. */
        public Take(String address, boolean probe) {
            this(address, probe ? new TakeProbe.Needed() : new TakeProbe.Released());
        }

        /** True when a probe must go out before the address is added. */
        public boolean probe() {
            return probing.probeFirst();
        }
    }

    public boolean isEmpty() {
        return release.isEmpty() && take.isEmpty();
    }

    public static ReconcilePlan of(String self, Map<String, Optional<String>> allocation, Set<String> actuallyHeld,
                                   ClusterPicture picture) {
        return of(self, allocation, actuallyHeld, picture, Map.of());
    }

    /**
     * @param peerCheck what a recent peer check's ARP round found for the addresses it probed
     *                  ({@link PeerCheckRound#findings}): an answer there stops a take as a
     *                  probe's answer does, even of an address released; a clear one needs no
     *                  probe of its own
     */
    public static ReconcilePlan of(String self, Map<String, Optional<String>> allocation, Set<String> actuallyHeld,
                                   ClusterPicture picture, Map<String, TakeProbe> peerCheck) {
        List<String> release = new ArrayList<>();
        List<Take> take = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (Map.Entry<String, Optional<String>> entry : allocation.entrySet()) {
            String address = entry.getKey();
            if (entry.getValue().isEmpty()) {
                continue; // no decision: it stays where it is
            }
            String target = entry.getValue().get();
            boolean mine = actuallyHeld.contains(address);
            if (!target.equals(self)) {
                if (mine) {
                    release.add(address);
                }
                continue;
            }
            if (mine) {
                continue;
            }
            boolean heldElsewhere = picture.holders(address).stream().anyMatch(n -> !n.equals(self));
            if (heldElsewhere) {
                waiting.add(address);
                continue;
            }
            boolean cleanlyReleased = picture.view().stream().filter(n -> !n.equals(self))
                    .anyMatch(n -> picture.state(n).map(s -> s.released().contains(address)).orElse(false));
            TakeProbe found = peerCheck.get(address);
            TakeProbe probing = found instanceof TakeProbe.AnsweredInPeerCheck ? found
                    : cleanlyReleased ? new TakeProbe.Released()
                    : found != null ? found : new TakeProbe.Needed();
            take.add(new Take(address, probing));
        }
        return new ReconcilePlan(List.copyOf(release), List.copyOf(take), List.copyOf(waiting));
    }
}
