package org.sagent.agent.control;

import java.util.List;

/**
 * What {@code sagent status} shows, and its {@code --json} schema (stable: fields are only
 * ever added). Built on the agent's loop thread, so it is one consistent moment.
 *
 * @param node        this node's name
 * @param cluster     the cluster's name
 * @param nodes       every configured node, in node-number order
 * @param addresses   every public address with its holder
 * @param checks      this node's health checks
 * @param replication the replication link as this node sees it
 * @param failovers   the last moves this node took part in, newest last
 * @param isolation   the arbitration on replication-link loss (null when isolation is not configured)
 */
public record StatusReport(String node, String cluster, List<Node> nodes, List<Address> addresses, List<Check> checks,
                           Link replication, List<Move> failovers, Isolation isolation) {

    /** A report without isolation. */
    public StatusReport(String node, String cluster, List<Node> nodes, List<Address> addresses, List<Check> checks,
                        Link replication, List<Move> failovers) {
        this(node, cluster, nodes, addresses, checks, replication, failovers, null);
    }

    /**
     * @param state            idle, deciding, won, standing-down, stood-down or fenced
     * @param note             one line for people, e.g. "replication link down; s1 alive on LAN; s1 stood
     *                         down at 12:03:04.512 (s0 wins: lower node number)"
     * @param witnessReachable a witness answered the last ARP round
     * @param fenced           this node stood down, or came back and waits to be resynced
     */
    public record Isolation(String state, String note, boolean witnessReachable, boolean fenced) {
    }

    /**
     * @param state   OK, STARTING, UNHEALTHY, DISABLED or DISCONNECTED
     * @param reasons why it is not OK
     * @param lanReachable the node is in this node's LAN-path view (null when the LAN path is off)
     */
    public record Node(int number, String name, String replicationAddress, boolean thisNode, String state,
                       List<String> reasons, Boolean lanReachable) {
    }

    /**
     * @param holders  the nodes that hold it (more than one is a duplicate; none: unserved)
     * @param pinnedTo the node {@code sagent move-ip} put it on (null when not pinned)
     * @param conflict the MAC address of a host outside the cluster answering for it (null when none)
     * @param clientConnections established client TCP connections on it at its holder's last listing
     */
    public record Address(String address, String interfaceName, String home, List<String> holders, String pinnedTo,
                          String conflict, int clientConnections) {
    }

    /** @param ageMillis how long ago it last ran */
    public record Check(String name, boolean healthy, boolean degraded, String lastResult, long ageMillis,
                       long tookMillis) {
    }

    /** @param up the replication interface has carrier; {@code peersInView} the replication view's other members */
    public record Link(String interfaceName, boolean up, List<String> peersInView, String note) {
    }

    /**
     * One move: when (ISO-8601), which address, from and to which node, why.
     *
     * @param outageMillis for a take: from the moment this node learnt the address was unserved to
     *                     the moment it served it (null for a release, or when not known)
     */
    public record Move(String at, String address, String from, String to, String reason, Long outageMillis) {
    }

    /** True when every node is OK and every address held exactly once. */
    public boolean fullyOk() {
        return nodes.stream().allMatch(n -> n.state().equals("OK"))
                && addresses.stream().allMatch(a -> a.holders().size() == 1);
    }
}
