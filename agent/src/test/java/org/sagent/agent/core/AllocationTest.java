package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sagent.agent.config.FailbackMode;

/** The allocation rules of spec 2.3 on readable scenarios, for 1, 2, 3 and 5 nodes. */
class AllocationTest {

    static final Duration DELAY = Duration.ofSeconds(30);
    static final Duration GRACE = Duration.ofSeconds(15);

    static NodeState ok(String node, String... held) {
        return new NodeState(node, 1, Readiness.OK, List.of(), false, Set.of(held), Set.of(), 3_600_000, 3_600_000, Set.of());
    }

    static NodeState state(String node, Readiness readiness, long eligibleFor, long upFor, String... held) {
        return new NodeState(node, 1, readiness, List.of(), false, Set.of(held), Set.of(), eligibleFor, upFor, Set.of());
    }

    /** Nodes s0..s(n-1), addresses .120... with homes round robin, everyone in view unless states says otherwise. */
    static ClusterPicture picture(int nodes, int addresses, Set<String> view, Map<String, NodeState> states,
                                  FailbackMode failback) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        for (int i = 0; i < nodes; i++) {
            numbers.put("s" + i, i);
        }
        List<ClusterPicture.Address> list = new java.util.ArrayList<>();
        for (int i = 0; i < addresses; i++) {
            list.add(new ClusterPicture.Address("198.51.100." + (120 + i), "s" + (i % nodes)));
        }
        return new ClusterPicture(numbers, list, view, states, failback, DELAY, GRACE, Map.of());
    }

    static Map<String, Optional<String>> expect(String... pairs) {
        Map<String, Optional<String>> map = new LinkedHashMap<>();
        for (String pair : pairs) {
            String[] p = pair.split("=");
            map.put("198.51.100." + p[0], p[1].equals("-") ? Optional.empty() : Optional.of(p[1]));
        }
        return map;
    }

    @Test
    void everyHealthyNodeHoldsItsHomeAddress() {
        assertEquals(expect("120=s0", "121=s1"), Allocation.compute(picture(2, 2, Set.of("s0", "s1"),
                Map.of("s0", ok("s0"), "s1", ok("s1")), FailbackMode.AUTO)));
    }

    @Test
    void aSingleNodeHoldsEverything() {
        assertEquals(expect("120=s0", "121=s0", "122=s0"), Allocation.compute(picture(1, 3, Set.of("s0"),
                Map.of("s0", ok("s0")), FailbackMode.AUTO)));
    }

    @Test
    void aNodeOutOfTheViewLosesItsAddressToTheSurvivor() {
        // F3: s0 lost power; its last state still says it held .120.
        assertEquals(expect("120=s1", "121=s1"), Allocation.compute(picture(2, 2, Set.of("s1"),
                Map.of("s0", ok("s0", "198.51.100.120"), "s1", ok("s1", "198.51.100.121")), FailbackMode.AUTO)));
    }

    @Test
    void anUnhealthyHomeGivesItsAddressAwayAndGetsItBackOnlyAfterTheFailbackDelay() {
        Map<String, NodeState> unhealthy = Map.of("s0", state("s0", Readiness.UNHEALTHY, 0, 100_000, "198.51.100.120"),
                "s1", ok("s1", "198.51.100.121"));
        assertEquals(expect("120=s1", "121=s1"), Allocation.compute(picture(2, 2, Set.of("s0", "s1"), unhealthy,
                FailbackMode.AUTO)));
        // s0 healthy again for 10 s: s1 keeps .120 (no flapping) ...
        Map<String, NodeState> recovering = Map.of("s0", state("s0", Readiness.OK, 10_000, 100_000),
                "s1", ok("s1", "198.51.100.120", "198.51.100.121"));
        assertEquals(expect("120=s1", "121=s1"), Allocation.compute(picture(2, 2, Set.of("s0", "s1"), recovering,
                FailbackMode.AUTO)));
        // ... until s0 has been eligible for the failback delay.
        Map<String, NodeState> recovered = Map.of("s0", state("s0", Readiness.OK, 30_000, 100_000),
                "s1", ok("s1", "198.51.100.120", "198.51.100.121"));
        assertEquals(expect("120=s0", "121=s1"), Allocation.compute(picture(2, 2, Set.of("s0", "s1"), recovered,
                FailbackMode.AUTO)));
        // With manual failback it never returns by itself.
        assertEquals(expect("120=s1", "121=s1"), Allocation.compute(picture(2, 2, Set.of("s0", "s1"), recovered,
                FailbackMode.MANUAL)));
    }

    @Test
    void nobodyEligibleLeavesAddressesWhereTheyAre() {
        Map<String, NodeState> sick = Map.of("s0", state("s0", Readiness.UNHEALTHY, 0, 1, "198.51.100.120"),
                "s1", state("s1", Readiness.UNHEALTHY, 0, 1, "198.51.100.121"));
        assertEquals(expect("120=-", "121=-"), Allocation.compute(picture(2, 2, Set.of("s0", "s1"), sick,
                FailbackMode.AUTO)));
    }

    @Test
    void aRestartedAgentKeepsItsAddressesWhileItsGateIsClosed() {
        // F1 after the restart: s0 STARTING again, still holding .120 (adopted).
        Map<String, NodeState> restarted = Map.of("s0", state("s0", Readiness.STARTING, 0, 500, "198.51.100.120"),
                "s1", ok("s1", "198.51.100.121"));
        assertEquals(expect("120=s0", "121=s1"), Allocation.compute(picture(2, 2, Set.of("s0", "s1"), restarted,
                FailbackMode.AUTO)));
    }

    @Test
    void nodesStartingTogetherEachEndWithTheirOwnAddress() {
        // F10: s1 passed its gate first; s0 is a starting member within the grace: .120 waits for it.
        Map<String, NodeState> starting = Map.of("s0", state("s0", Readiness.STARTING, 0, 3_000),
                "s1", state("s1", Readiness.OK, 100, 3_000));
        assertEquals(expect("120=-", "121=s1"), Allocation.compute(picture(2, 2, Set.of("s0", "s1"), starting,
                FailbackMode.AUTO)));
        // A member stuck starting past the grace (a long resync) does not keep its address unserved.
        Map<String, NodeState> stuck = Map.of("s0", state("s0", Readiness.STARTING, 0, 20_000),
                "s1", state("s1", Readiness.OK, 100, 20_000));
        assertEquals(expect("120=s1", "121=s1"), Allocation.compute(picture(2, 2, Set.of("s0", "s1"), stuck,
                FailbackMode.AUTO)));
    }

    @Test
    void aDuplicateLeftByAThawedHomeStaysWithTheOtherUntilFailbackIsDue() {
        // F4 thaw: both hold .120; s0 has been eligible again for half a second only.
        Map<String, NodeState> thawed = Map.of("s0", state("s0", Readiness.OK, 500, 60_000, "198.51.100.120"),
                "s1", ok("s1", "198.51.100.120", "198.51.100.121"));
        assertEquals(expect("120=s1", "121=s1"), Allocation.compute(picture(2, 2, Set.of("s0", "s1"), thawed,
                FailbackMode.AUTO)));
        // A home that has been eligible for the failback delay wins a duplicate at once.
        Map<String, NodeState> settled = Map.of("s0", ok("s0", "198.51.100.120"),
                "s1", ok("s1", "198.51.100.120", "198.51.100.121"));
        assertEquals(expect("120=s0", "121=s1"), Allocation.compute(picture(2, 2, Set.of("s0", "s1"), settled,
                FailbackMode.AUTO)));
    }

    @Test
    void threeNodesShareALostNodesAddressesByLoadThenNumber() {
        // s1 of three is gone; it was home of .121 and .124 (6 addresses, homes round robin).
        Map<String, NodeState> states = Map.of("s0", ok("s0"), "s2", ok("s2"));
        assertEquals(expect("120=s0", "121=s0", "122=s2", "123=s0", "124=s2", "125=s2"),
                Allocation.compute(picture(3, 6, Set.of("s0", "s2"), states, FailbackMode.AUTO)));
    }

    @Test
    void fiveNodesWithTwoDisabled() {
        Map<String, NodeState> states = new java.util.HashMap<>();
        for (int i = 0; i < 5; i++) {
            states.put("s" + i, ok("s" + i));
        }
        states.put("s1", new NodeState("s1", 1, Readiness.OK, List.of(), true, Set.of(), Set.of(), 0, 100, Set.of()));
        states.put("s3", new NodeState("s3", 1, Readiness.OK, List.of(), true, Set.of(), Set.of(), 0, 100, Set.of()));
        assertEquals(expect("120=s0", "121=s0", "122=s2", "123=s2", "124=s4"),
                Allocation.compute(picture(5, 5, states.keySet(), states, FailbackMode.AUTO)));
    }

    @Test
    void aNodeJustStartedAloneLeavesAbsentNodesAddressesAloneUntilTheGracePassed() {
        // F10/F11: s0 formed a view alone 3 s after starting; s1 may merely not be found yet.
        assertEquals(expect("120=s0", "121=-"), Allocation.compute(picture(2, 2, Set.of("s0"),
                Map.of("s0", state("s0", Readiness.OK, 1_000, 3_000)), FailbackMode.AUTO)));
        // Once s0 has seen s1 in a view, s1's absence means it left: s0 takes over at once.
        assertEquals(expect("120=s0", "121=s0"), Allocation.compute(picture(2, 2, Set.of("s0"),
                Map.of("s0", new NodeState("s0", 1, Readiness.OK, List.of(), false, Set.of(), Set.of(), 1_000, 3_000,
                        Set.of("s0", "s1"))), FailbackMode.AUTO)));
        // After the grace, s1 is taken to be dead: s0 serves both.
        assertEquals(expect("120=s0", "121=s0"), Allocation.compute(picture(2, 2, Set.of("s0"),
                Map.of("s0", state("s0", Readiness.OK, 1_000, 16_000)), FailbackMode.AUTO)));
    }

    @Test
    void aPinWinsWhileItsNodeCanTake() {
        ClusterPicture base = picture(2, 2, Set.of("s0", "s1"), Map.of("s0", ok("s0"), "s1", ok("s1")), FailbackMode.AUTO);
        ClusterPicture pinned = new ClusterPicture(base.nodes(), base.addresses(), base.view(), base.states(),
                base.failback(), base.failbackDelay(), base.startupGrace(), Map.of("198.51.100.120", "s1"));
        assertEquals(expect("120=s1", "121=s1"), Allocation.compute(pinned));
    }
}
