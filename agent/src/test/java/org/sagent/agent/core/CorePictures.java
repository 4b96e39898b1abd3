package org.sagent.agent.core;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sagent.agent.config.FailbackMode;

/** Small two-node pictures for the tests of the core's decisions: s0 home of .120, s1 home of .121. */
final class CorePictures {

    static final String A20 = "198.51.100.120";
    static final String B21 = "198.51.100.121";

    private CorePictures() {
    }

    static NodeState state(String node, Readiness readiness, Set<String> held, Set<String> released) {
        return new NodeState(node, 1, readiness, List.of(), false, held, released, 60_000, 60_000, Set.of());
    }

    static NodeState pinned(String node, Map<String, Pin> pins) {
        return new NodeState(node, 1, Readiness.OK, List.of(), false, Set.of(), Set.of(), 60_000, 60_000, Set.of(),
                pins);
    }

    /** @param view the members; every state given is in the picture, members or not */
    static ClusterPicture picture(Set<String> view, Map<String, String> pins, NodeState... states) {
        Map<String, NodeState> byNode = new LinkedHashMap<>();
        for (NodeState s : states) {
            byNode.put(s.node(), s);
        }
        return new ClusterPicture(Map.of("s0", 0, "s1", 1), List.of(new ClusterPicture.Address(A20, "s0"),
                new ClusterPicture.Address(B21, "s1")), view, byNode, FailbackMode.AUTO, Duration.ofSeconds(30),
                Duration.ofSeconds(8), pins);
    }
}
