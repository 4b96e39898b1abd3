package org.sagent.agent.core;

/** How a node describes its own fitness to serve (spec sections 1 and 4). */
public enum Readiness {
    /** Start-up gate not passed yet: may keep addresses it already holds, takes no new one. */
    STARTING,
    /** Every check healthy. */
    OK,
    /** A check failed {@code fall} times: must not hold addresses while another node can. */
    UNHEALTHY
}
