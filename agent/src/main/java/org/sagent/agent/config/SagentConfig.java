package org.sagent.agent.config;

import java.util.List;
import java.util.Optional;

/**
 * A validated configuration: the same file on every node (spec section 6).
 *
 * <p>Built only by {@link ConfigParser}, which has checked every cross-reference, so code
 * above it may rely on them (a home node exists, names and addresses are unique).
 */
public record SagentConfig(
        String file,
        ClusterSettings cluster,
        List<NodeSpec> nodes,
        List<PublicAddressSpec> publicAddresses,
        FailoverSettings failover,
        AnnounceSettings announce,
        ProbeSettings probe,
        HealthSettings health,
        MetricsSettings metrics,
        ConnectionsSettings connections,
        IsolationSettings isolation) {

    public SagentConfig {
        nodes = List.copyOf(nodes);
        publicAddresses = List.copyOf(publicAddresses);
    }

    public Optional<NodeSpec> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }
}
