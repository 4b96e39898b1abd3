package org.sagent.agent.config;

/** What happens when an address's home node becomes eligible again. */
public enum FailbackMode {
    /** The address goes home after {@code failback-delay} of continuous eligibility. */
    AUTO,
    /** The address stays where it is until an administrator runs {@code sagent move-ip}. */
    MANUAL
}
