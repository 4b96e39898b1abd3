package org.sagent.agent.config;

import java.nio.file.Path;

/**
 * Who the cluster is and where its agents talk.
 *
 * @param name       names the JGroups group: agents with another name ignore each other
 * @param port       the agents' TCP port on the replication link. 7800 is JGroups' usual port and
 *                   clashes with neither DRBD (7789) nor o2net (7777); JGroups' failure detection
 *                   also listens on port + 100
 * @param lanPort    the agents' port on the LAN, for the second path (default port + 1)
 * @param secretFile the shared cluster secret: JGroups encrypts every frame on both paths with a
 *                   key made from it, and every node state is signed with another
 */
public record ClusterSettings(String name, int port, int lanPort, Path secretFile) {

    public static final int DEFAULT_PORT = 7800;
}
