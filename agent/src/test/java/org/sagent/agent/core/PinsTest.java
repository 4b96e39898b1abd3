package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PinsTest {

    private static NodeState publishing(String node, Map<String, Pin> pins) {
        return new NodeState(node, 1, Readiness.OK, List.of(), false, Set.of(), Set.of(), 0, 0, Set.of(), pins);
    }

    @Test
    void theNewestPinPerAddressWinsOnEveryNode() {
        NodeState s0 = publishing("s0", Map.of("198.51.100.120", new Pin("s1", 1_000),
                "198.51.100.121", new Pin("s0", 5_000)));
        NodeState s1 = publishing("s1", Map.of("198.51.100.120", new Pin("s0", 2_000)));
        Map<String, String> expected = Map.of("198.51.100.120", "s0", "198.51.100.121", "s0");
        assertEquals(expected, Pins.agreed(List.of(s0, s1)));
        assertEquals(expected, Pins.agreed(List.of(s1, s0)), "the order states arrive in must not matter");
    }

    @Test
    void aTieGoesToTheLowestNodeNameWhateverTheOrder() {
        NodeState s0 = publishing("s0", Map.of("198.51.100.120", new Pin("s2", 7_000)));
        NodeState s1 = publishing("s1", Map.of("198.51.100.120", new Pin("s1", 7_000)));
        assertEquals(Map.of("198.51.100.120", "s1"), Pins.agreed(List.of(s0, s1)));
        assertEquals(Map.of("198.51.100.120", "s1"), Pins.agreed(List.of(s1, s0)));
    }

    @Test
    void pinsTravelWithTheStateAndAStateWithoutThemReadsAsNone() throws Exception {
        ObjectMapper json = new ObjectMapper();
        NodeState state = publishing("s0", Map.of("198.51.100.120", new Pin("s1", 1_000)));
        assertEquals(state, json.readValue(json.writeValueAsBytes(state), NodeState.class));
        String older = "{\"node\":\"s1\",\"incarnation\":3,\"readiness\":\"OK\",\"reasons\":[],\"disabled\":false,"
                + "\"held\":[],\"released\":[],\"eligibleForMillis\":0,\"upForMillis\":10,\"seen\":[]}";
        assertEquals(Map.of(), json.readValue(older, NodeState.class).pins());
    }
}
