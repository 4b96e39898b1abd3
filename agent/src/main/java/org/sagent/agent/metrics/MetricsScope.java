package org.sagent.agent.metrics;

import java.util.List;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.config.SagentConfig;

/**
 * What the metrics need of the configuration: which series exist from the first scrape.
 *
 * @param publicAddresses one set of address gauges each
 * @param nodes           one set of node-state gauges each
 * @param isolation       the isolation section is there: witness, fence and decision series
 * @param lanPath         the LAN path between the agents is on: LAN reachability per peer
 */
public record MetricsScope(List<PublicAddressSpec> publicAddresses, List<NodeSpec> nodes, boolean isolation) {

    public MetricsScope {
        publicAddresses = List.copyOf(publicAddresses);
        nodes = List.copyOf(nodes);
    }

    public static MetricsScope of(SagentConfig config) {
        return new MetricsScope(config.publicAddresses(), config.nodes(), config.isolation().enabled());
    }
}
