package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sagent.agent.config.FailbackMode;

/**
 * Properties of the allocation over seeded random clusters (views, health, holders with
 * duplicates, failback settings, pins): plain JUnit with a fixed seed per case, so any
 * failure names the seed that reproduces it.
 */
class AllocationPropertiesTest {

    private static final int CASES = 4000;
    private static final Readiness[] READINESS = Readiness.values();

    private static ClusterPicture randomPicture(Random random, int nodes) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        for (int i = 0; i < nodes; i++) {
            numbers.put("s" + i, i);
        }
        int addressCount = 1 + random.nextInt(2 * nodes + 1);
        List<ClusterPicture.Address> addresses = new ArrayList<>();
        for (int i = 0; i < addressCount; i++) {
            addresses.add(new ClusterPicture.Address("198.51.100." + (120 + i), "s" + random.nextInt(nodes)));
        }
        Set<String> view = new HashSet<>();
        Map<String, NodeState> states = new HashMap<>();
        for (String node : numbers.keySet()) {
            if (random.nextInt(5) > 0) {
                view.add(node);
            }
            Set<String> held = new HashSet<>();
            for (ClusterPicture.Address a : addresses) {
                if (random.nextInt(nodes + 1) == 0) {
                    held.add(a.address());
                }
            }
            Set<String> seen = new HashSet<>();
            for (String other : numbers.keySet()) {
                if (random.nextBoolean()) {
                    seen.add(other);
                }
            }
            states.put(node, new NodeState(node, 1, READINESS[random.nextInt(READINESS.length)], List.of(),
                    random.nextInt(6) == 0, held, Set.of(), random.nextInt(60_000), random.nextInt(30_000), seen));
        }
        Map<String, String> pins = new HashMap<>();
        if (random.nextInt(4) == 0) {
            pins.put(addresses.get(random.nextInt(addresses.size())).address(), "s" + random.nextInt(nodes));
        }
        return new ClusterPicture(numbers, addresses, view, states,
                random.nextBoolean() ? FailbackMode.AUTO : FailbackMode.MANUAL, Duration.ofSeconds(30),
                Duration.ofSeconds(15), pins);
    }

    /** The same picture built with every collection in another order. */
    private static ClusterPicture shuffled(ClusterPicture p, Random random) {
        List<String> nodeNames = new ArrayList<>(p.nodes().keySet());
        Collections.shuffle(nodeNames, random);
        Map<String, Integer> nodes = new LinkedHashMap<>();
        nodeNames.forEach(n -> nodes.put(n, p.nodes().get(n)));
        List<String> view = new ArrayList<>(p.view());
        Collections.shuffle(view, random);
        Map<String, NodeState> states = new LinkedHashMap<>();
        List<String> stateNames = new ArrayList<>(p.states().keySet());
        Collections.shuffle(stateNames, random);
        stateNames.forEach(n -> states.put(n, p.states().get(n)));
        return new ClusterPicture(nodes, p.addresses(), new HashSet<>(view), states, p.failback(), p.failbackDelay(),
                p.startupGrace(), p.pins());
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {1, 2, 3, 5})
    void holdsForRandomClusters(int nodes) {
        int assignedSomewhere = 0;
        for (int i = 0; i < CASES; i++) {
            long seed = 1000L * nodes + i;
            Random random = new Random(seed);
            ClusterPicture p = randomPicture(random, nodes);
            Map<String, Optional<String>> result = Allocation.compute(p);
            String where = "seed " + seed + ": " + p + " -> " + result;

            assertEquals(p.addresses().size(), result.size(), where);
            assertEquals(result, Allocation.compute(shuffled(p, random)), "input order changed the result; " + where);
            boolean anyCanTake = p.view().stream().anyMatch(p::canTake);
            Map<String, Integer> load = new HashMap<>();
            for (ClusterPicture.Address a : p.addresses()) {
                Optional<String> chosen = result.get(a.address());
                List<String> keepers = p.holders(a.address()).stream().filter(p::canHold).toList();
                if (chosen.isPresent()) {
                    String n = chosen.get();
                    assignedSomewhere++;
                    load.merge(n, 1, Integer::sum);
                    // Only to a member that may take it, or to one that already holds it and may keep it.
                    assertTrue(p.canTake(n) || keepers.contains(n), "given to an ineligible node; " + where);
                    // Sticky: an eligible holder loses it only to its home (failback or home holding) or a pin.
                    if (!keepers.isEmpty() && !keepers.contains(n)) {
                        boolean pinned = n.equals(p.pins().get(a.address()));
                        boolean homeBack = n.equals(a.home()) && p.failback() == FailbackMode.AUTO
                                && p.state(n).orElseThrow().eligibleForMillis() >= p.failbackDelay().toMillis();
                        assertTrue(!keepers.contains(a.home()) || pinned || homeBack,
                                "a home in a duplicate won before failback was due; " + where);
                        assertTrue(pinned || homeBack, "moved away from an eligible holder; " + a + "; " + where);
                    }
                } else if (anyCanTake) {
                    // No orphans: only a starting home within its grace, or nobody holding-and-keeping it... may wait.
                    NodeState home = p.state(a.home()).orElse(null);
                    boolean reserved = home != null && home.readiness() == Readiness.STARTING && !home.disabled()
                            && home.upForMillis() < p.startupGrace().toMillis();
                    boolean takersTooYoung = !p.view().contains(a.home()) && p.view().stream().filter(p::canTake)
                            .allMatch(n -> p.state(n).orElseThrow().upForMillis() < p.startupGrace().toMillis()
                                    && !p.state(n).orElseThrow().seen().contains(a.home()));
                    assertTrue(reserved || takersTooYoung, "an orphan while a node could take it; " + a + "; " + where);
                }
            }
            // Balanced: when nothing is held and no home can take, spread evenly over those who can.
            boolean fresh = p.addresses().stream().allMatch(a -> p.holders(a.address()).isEmpty()
                    && !p.canTake(a.home())) && p.pins().isEmpty();
            boolean allSettled = p.view().stream().filter(p::canTake)
                    .allMatch(n -> p.state(n).orElseThrow().upForMillis() >= p.startupGrace().toMillis()
                            || p.state(n).orElseThrow().seen().containsAll(p.nodes().keySet()));
            if (fresh && anyCanTake && allSettled) {
                List<Integer> counts = p.view().stream().filter(p::canTake).map(n -> load.getOrDefault(n, 0)).toList();
                assertTrue(Collections.max(counts) - Collections.min(counts) <= 1, "unbalanced " + load + "; " + where);
            }
        }
        assertTrue(assignedSomewhere > CASES / 2, "the generator rarely produced assignable clusters");
    }
}
