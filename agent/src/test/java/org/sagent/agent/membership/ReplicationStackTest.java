package org.sagent.agent.membership;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.jgroups.JChannel;
import org.junit.jupiter.api.Test;
import org.sagent.agent.config.ConfigParserTest;
import org.sagent.agent.config.SagentConfig;

/** The shipped JGroups stack, filled in from a configuration, is one JGroups accepts. */
class ReplicationStackTest {

    @Test
    void buildsAChannelFromTheShippedStack() throws Exception {
        SagentConfig config = ConfigParserTest.valid(ConfigParserTest.MINIMAL);
        String stack = MembershipChannel.stack(config.failover(), config.nodes().get(1).replicationAddress(), 7800,
                config.nodes().stream().map(org.sagent.agent.config.NodeSpec::replicationAddress).toList());
        assertFalse(stack.matches("(?s).*\\{\\{[a-z_]+}}.*"), "every placeholder filled: " + stack);
        assertTrue(stack.contains("initial_hosts=\"192.0.2.1[7800],192.0.2.2[7800],192.0.2.3[7800]\""), stack);
        assertTrue(stack.contains("bind_addr=\"192.0.2.2\""), stack);
        assertTrue(stack.contains("timeout=\"1000ms\""), stack);
        try (JChannel channel = new JChannel(new ByteArrayInputStream(stack.getBytes(StandardCharsets.UTF_8)))) {
            assertTrue(channel.getProtocolStack().getProtocols().size() >= 10);
        }
    }
}
