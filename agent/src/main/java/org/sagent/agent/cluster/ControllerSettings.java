package org.sagent.agent.cluster;

import java.time.Duration;
import java.util.List;
import org.sagent.agent.addresses.AddressReconciler;
import org.sagent.agent.config.ConnectionsSettings;
import org.sagent.agent.config.FailbackMode;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.config.SagentConfig;

/**
 * What the node controller needs of the configuration, and no more.
 *
 * @param clusterName     the cluster's name, for status
 * @param nodes           every configured node, with its number
 * @param publicAddresses the public addresses, in configuration order, with their homes
 * @param failback        whether an address goes back to its home node by itself
 * @param failbackDelay   how long the home node must have been eligible before it does
 * @param connections     what is done to client connections at a move
 */
public record ControllerSettings(String clusterName, List<NodeSpec> nodes, List<PublicAddressSpec> publicAddresses,
                                 FailbackMode failback, Duration failbackDelay, ConnectionsSettings connections) {

    public ControllerSettings {
        nodes = List.copyOf(nodes);
        publicAddresses = List.copyOf(publicAddresses);
    }

    public static ControllerSettings of(SagentConfig config) {
        return new ControllerSettings(config.cluster().name(), config.nodes(), config.publicAddresses(),
                config.failover().failback(), config.failover().failbackDelay(), config.connections());
    }

    /** The public address named {@code key} (as {@link AddressReconciler#key} names it). */
    public PublicAddressSpec publicAddress(String key) {
        return publicAddresses.stream().filter(a -> AddressReconciler.key(a.address().address()).equals(key))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(key + " is not a public address"));
    }

    /** "198.51.100.120/24 on eth1", for the journal. */
    public String where(String key) {
        PublicAddressSpec spec = publicAddress(key);
        return spec.address() + " on " + spec.interfaceName();
    }
}
