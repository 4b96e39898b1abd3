package org.sagent.agent.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What this node must do to its own interfaces so they match the allocation (spec 2.4):
 * release what belongs elsewhere; take what is ours only once no other member claims it,
 * probing first unless its last holder said it let go. Pure.
 *
 * @param release addresses to remove now
 * @param take    addresses to add (after a probe when {@link Take#probe()})
 * @param waiting addresses that are ours but still held by another member, which must release first
 */
public record ReconcilePlan(List<String> release, List<Take> take, List<String> waiting) {

    /** An address to add, with or without a duplicate-address probe first. */
    public record Take(String address, boolean probe) {
    }

    public boolean isEmpty() {
        return release.isEmpty() && take.isEmpty();
    }

    public static ReconcilePlan of(String self, Map<String, Optional<String>> allocation, Set<String> actuallyHeld,
                                   ClusterPicture picture) {
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
            take.add(new Take(address, !cleanlyReleased));
        }
        return new ReconcilePlan(List.copyOf(release), List.copyOf(take), List.copyOf(waiting));
    }
}
