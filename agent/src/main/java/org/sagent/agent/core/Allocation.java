package org.sagent.agent.core;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sagent.agent.config.FailbackMode;

/**
 * Which node should hold each public address: a pure function of the {@link ClusterPicture}
 * (spec 2.3), computed identically on every node; no leader.
 *
 * <p>Rules, per address in configuration order:
 * <ol>
 *   <li>a node the administrator pinned it to, if that node can take addresses;</li>
 *   <li>its home, if the home can take addresses and either is its only holder or failback
 *       allows (no eligible holder keeps it, or failback is auto and the home has been
 *       eligible for failback-delay);</li>
 *   <li>otherwise a current holder that may keep it (another node before the home, so a
 *       duplicate left by a thawed home is resolved without moving back early; then the
 *       lowest number);</li>
 *   <li>otherwise nobody yet if its home is a member still starting up within the start-up
 *       grace (both nodes starting together each end with their own address);</li>
 *   <li>otherwise the node that can take addresses and holds fewest, ties to the lowest number; a
 *       node younger than the start-up grace takes no address whose home is outside the view
 *       and has not been in a view with it yet (two nodes starting together may not have found
 *       each other);</li>
 *   <li>otherwise no decision: the address stays where it is (degraded service beats none).</li>
 * </ol>
 */
public final class Allocation {

    private Allocation() {
    }

    /** Address to the node that should hold it; empty means "leave it where it is". */
    public static Map<String, Optional<String>> compute(ClusterPicture picture) {
        Map<String, Optional<String>> result = new LinkedHashMap<>();
        Map<String, Integer> load = new HashMap<>();
        List<ClusterPicture.Address> orphans = new java.util.ArrayList<>();
        // Pass 1: pins, homes and holders; pass 2 spreads what is left over the least loaded,
        // so the spread sees every address that already has its place.
        for (ClusterPicture.Address address : picture.addresses()) {
            Optional<Optional<String>> placed = place(picture, address);
            if (placed.isPresent()) {
                placed.get().ifPresent(n -> load.merge(n, 1, Integer::sum));
                result.put(address.address(), placed.get());
            } else {
                orphans.add(address);
                result.put(address.address(), Optional.empty());
            }
        }
        for (ClusterPicture.Address address : orphans) {
            String home = address.home();
            boolean homeAbsent = !picture.view().contains(home);
            Optional<String> chosen = picture.view().stream()
                    .filter(picture::canTake)
                    // A node just started may be alone only because its peers have not found it yet:
                    // it leaves absent nodes' addresses alone until the start-up grace has passed.
                    .filter(n -> !homeAbsent || settled(picture, n, home))
                    .min(Comparator.<String>comparingInt(n -> load.getOrDefault(n, 0)).thenComparingInt(picture::number));
            chosen.ifPresent(n -> load.merge(n, 1, Integer::sum));
            result.put(address.address(), chosen);
        }
        return result;
    }

    /** Rules 1-4: the place an address has by right, "nobody yet" (reserved), or empty when it is free to spread. */
    private static Optional<Optional<String>> place(ClusterPicture p, ClusterPicture.Address address) {
        String pinned = p.pins().get(address.address());
        if (pinned != null && p.canTake(pinned)) {
            return Optional.of(Optional.of(pinned));
        }
        List<String> holders = p.holders(address.address());
        List<String> keepers = holders.stream().filter(p::canHold).toList();
        String home = address.home();
        if (p.canTake(home) && (keepers.isEmpty() || keepers.equals(List.of(home)) || failbackDue(p, home))) {
            return Optional.of(Optional.of(home));
        }
        if (!keepers.isEmpty()) {
            // Sticky. In a duplicate (a frozen home thawed after another node took over) the other
            // keeps it until failback is due: no move back before failback-delay.
            return Optional.of(Optional.of(keepers.stream().filter(k -> !k.equals(home)).findFirst().orElse(home)));
        }
        if (homeStillStarting(p, home)) {
            return Optional.of(Optional.empty());
        }
        return Optional.empty();
    }

    /** {@code node} knows {@code home}'s absence is real: it saw it before, or waited long enough to find it. */
    private static boolean settled(ClusterPicture p, String node, String home) {
        return p.state(node).map(s -> s.seen().contains(home) || s.upForMillis() >= p.startupGrace().toMillis())
                .orElse(false);
    }

    private static boolean failbackDue(ClusterPicture p, String home) {
        return p.failback() == FailbackMode.AUTO
                && p.state(home).map(s -> s.eligibleForMillis() >= p.failbackDelay().toMillis()).orElse(false);
    }

    private static boolean homeStillStarting(ClusterPicture p, String home) {
        return p.state(home).map(s -> s.readiness() == Readiness.STARTING && !s.disabled()
                && s.upForMillis() < p.startupGrace().toMillis()).orElse(false);
    }
}
