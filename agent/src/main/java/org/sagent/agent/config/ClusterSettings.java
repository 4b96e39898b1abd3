package org.sagent.agent.config;

/** Who the cluster is and where its agents talk. */
public record ClusterSettings(
        /* Names the JGroups cluster: agents with another name ignore each other. */
        String name,
        /* TCP/UDP port of the agents on the replication link. 7800 is JGroups' usual port and
           clashes with neither DRBD (7789) nor o2net (7777). */
        int port) {

    public static final int DEFAULT_PORT = 7800;
}
