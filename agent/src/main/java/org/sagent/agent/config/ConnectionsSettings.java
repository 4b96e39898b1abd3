package org.sagent.agent.config;

import java.time.Duration;

/**
 * Client TCP connections at a move (CTDB's "tickle" and "kill" of its public addresses).
 *
 * @param interval       how often this node lists the client connections on the addresses it
 *                       holds and publishes them to its peers
 * @param maxPerAddress  at most this many connections per address are published (bounds the
 *                       state message)
 * @param tickle         after taking an address from a node that vanished, send its clients
 *                       tickle ACKs so they reset and reconnect now
 * @param killOnRelease  before releasing an address, reset its established connections so its
 *                       clients reconnect to the new holder at once
 */
public record ConnectionsSettings(Duration interval, int maxPerAddress, boolean tickle, boolean killOnRelease) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(3);
    public static final int DEFAULT_MAX_PER_ADDRESS = 256;
    /** Tickles per client connection: one may be lost while the switch learns the new port. */
    public static final int TICKLES = 3;

    public static ConnectionsSettings defaults() {
        return new ConnectionsSettings(DEFAULT_INTERVAL, DEFAULT_MAX_PER_ADDRESS, true, true);
    }
}
