package org.sagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeIdentityTest {

    private final SagentConfig config = ConfigParserTest.valid(ConfigParserTest.MINIMAL);

    @Test
    void findsTheNodeWhoseReplicationAddressIsLocal() {
        NodeIdentity.Outcome outcome = NodeIdentity.find(config, Optional.empty(),
                List.of(IpLiterals.parse("127.0.0.1").orElseThrow(), IpLiterals.parse("192.0.2.2").orElseThrow()));
        NodeIdentity.Outcome.Found found = assertInstanceOf(NodeIdentity.Outcome.Found.class, outcome);
        assertEquals("b", found.node().name());
        assertEquals("replication address 192.0.2.2 is local", found.how());
    }

    @Test
    void aLanAddressAloneDoesNotIdentifyANode() {
        NodeIdentity.Outcome outcome = NodeIdentity.find(config, Optional.empty(),
                List.of(IpLiterals.parse("198.51.100.1").orElseThrow(), IpLiterals.parse("127.0.0.1").orElseThrow()));
        NodeIdentity.Outcome.NotFound notFound = assertInstanceOf(NodeIdentity.Outcome.NotFound.class, outcome);
        assertEquals("this machine has none of the nodes' replication addresses (a 192.0.2.1, b 192.0.2.2, "
                + "c 192.0.2.3); its addresses are 127.0.0.1, 198.51.100.1; fix replication-address in t.yaml, bring "
                + "the replication interface up, or start the agent with --node NAME", notFound.reason());
        assertTrue(notFound.mayComeLater(), "the replication interface may come up later");
    }

    @Test
    void theOverrideWinsAndIsChecked() {
        assertEquals("c", assertInstanceOf(NodeIdentity.Outcome.Found.class,
                NodeIdentity.find(config, Optional.of("c"), List.of())).node().name());
        NodeIdentity.Outcome.NotFound unknown = assertInstanceOf(NodeIdentity.Outcome.NotFound.class,
                NodeIdentity.find(config, Optional.of("d"), List.of()));
        assertEquals("--node d: t.yaml has no node of that name; nodes: a, b, c", unknown.reason());
        assertFalse(unknown.mayComeLater(), "only the file or the command line can change it");
    }

    @Test
    void twoLocalReplicationAddressesAreAmbiguous() {
        NodeIdentity.Outcome outcome = NodeIdentity.find(config, Optional.empty(),
                List.of(IpLiterals.parse("192.0.2.1").orElseThrow(), IpLiterals.parse("192.0.2.3").orElseThrow()));
        NodeIdentity.Outcome.NotFound ambiguous = assertInstanceOf(NodeIdentity.Outcome.NotFound.class, outcome);
        assertEquals("this machine has the replication addresses of several nodes (a, c); start the agent with --node NAME",
                ambiguous.reason());
        assertFalse(ambiguous.mayComeLater(), "only the file or the command line can change it");
    }
}
