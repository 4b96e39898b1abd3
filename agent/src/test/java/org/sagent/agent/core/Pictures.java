package org.sagent.agent.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sagent.agent.config.FailbackMode;

/** Cluster pictures for the tests that need one built in code rather than read from a scenario file. */
final class Pictures {

    static final Duration FAILBACK_DELAY = Duration.ofSeconds(30);
    static final Duration STARTUP_GRACE = Duration.ofSeconds(15);

    private Pictures() {
    }

    /** Nodes s0..s(n-1), addresses 198.51.100.120... with homes round robin, no pins. */
    static ClusterPicture roundRobin(int nodes, int addresses, Set<String> view, Map<String, NodeState> states,
                                     FailbackMode failback) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        for (int i = 0; i < nodes; i++) {
            numbers.put("s" + i, i);
        }
        List<ClusterPicture.Address> list = new ArrayList<>();
        for (int i = 0; i < addresses; i++) {
            list.add(new ClusterPicture.Address("198.51.100." + (120 + i), "s" + (i % nodes)));
        }
        return new ClusterPicture(numbers, list, view, states, failback, FAILBACK_DELAY, STARTUP_GRACE, Map.of());
    }
}
