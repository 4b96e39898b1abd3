package org.sagent.agent.config;

/**
 * A public (service) address that clients use and sagent moves between nodes.
 *
 * @param address       the address with its prefix length, as it is put on the interface
 * @param interfaceName the LAN interface that carries it on every node
 * @param home          the node that holds it whenever that node is eligible
 */
public record PublicAddressSpec(IpPrefix address, String interfaceName, String home) {
}
