package org.sagent.agent.config;

import java.net.InetAddress;

/**
 * One server of the cluster.
 *
 * @param name                the node's name, as status and logs show it
 * @param number              its number: decides ties (lowest wins); defaults to the position in
 *                            the list, which matches the OCFS2 node numbers of the reference cluster
 * @param replicationAddress  its address on the replication link; a node finds itself by it
 * @param lanAddress          its own (non-public) address on the LAN: the second path between agents
 */
public record NodeSpec(String name, int number, InetAddress replicationAddress, InetAddress lanAddress) {
}
