package org.sagent.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ControlLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode request(String command) {
        return JSON.createObjectNode().put("command", command);
    }

    @Test
    void aRequestThatSaysNothingOrTooMuchGetsSaneBounds() {
        assertEquals(Duration.ofSeconds(4), ControlLimits.answerWait(request("status")),
                "the DRBD handler's requests carry no wait: 4 s, within its own 4 s");
        assertEquals(Duration.ofSeconds(4), ControlLimits.answerWait(request("status").put("wait-ms", "soon")));
        assertEquals(Duration.ofSeconds(10), ControlLimits.answerWait(request("status").put("wait-ms", 86_400_000L)),
                "a day is capped to the watchdog's 10 s");
        assertEquals(Duration.ofSeconds(10), ControlLimits.answerWait(request("status").put("wait-ms", 600_000)),
                "so are the ten minutes once allowed");
        assertEquals(Duration.ofSeconds(1), ControlLimits.answerWait(request("status").put("wait-ms", -5)));
        assertEquals(Duration.ofMillis(2500), ControlLimits.answerWait(request("status").put("wait-ms", 2500)));
    }

    @Test
    void theTimeInTheAgentComesOffTheWait() {
        assertEquals(Optional.of(Duration.ofMillis(3700)),
                ControlLimits.timeLeft(request("status"), Duration.ofMillis(300)));
        assertEquals(Optional.empty(), ControlLimits.timeLeft(request("status"), Duration.ofSeconds(4)),
                "its client has given up");
        assertEquals(Optional.empty(), ControlLimits.timeLeft(request("status").put("wait-ms", 2000),
                Duration.ofSeconds(3)));
    }

    @Test
    void onlyTheDrbdHandlersCommandsTakeTheFenceLane() {
        assertEquals(ControlLimits.Lane.FENCE, ControlLimits.laneOf(request("fence-peer")));
        assertEquals(ControlLimits.Lane.FENCE, ControlLimits.laneOf(request("unfence")));
        for (String command : new String[] {"status", "disable", "enable", "move-ip", "Fence-Peer", ""}) {
            assertEquals(ControlLimits.Lane.GENERAL, ControlLimits.laneOf(request(command)), command);
        }
        assertEquals(ControlLimits.Lane.GENERAL, ControlLimits.laneOf(JSON.createObjectNode()));
    }
}
