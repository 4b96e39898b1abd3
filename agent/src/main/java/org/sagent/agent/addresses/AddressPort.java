package org.sagent.agent.addresses;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;
import org.sagent.agent.core.ReconcilePlan;

/**
 * This node's public addresses as the controller sees them: what the kernel holds now, and the
 * acts that change it. Addresses are named by {@link AddressReconciler#key}. Called from the
 * agent's loop thread only; the {@code InBackground} methods return at once.
 */
public interface AddressPort {

    /** The configured public addresses on their interfaces now (kernel truth, never remembered). */
    Set<String> held();

    /** Addresses released in the last few seconds: a taker needs no probe. */
    Set<String> recentlyReleased();

    /** Address to the MAC of a host outside the cluster found answering for it. */
    Map<String, String> conflicts();

    /** Removes {@code address}; true if it was there. */
    boolean release(String address);

    /** Probes (if the take says so), adds and announces. */
    TakeOutcome take(ReconcilePlan.Take take);

    /** Asks the LAN whether another host answers for an address this node holds: its MAC if so. */
    Optional<String> answeredByAnother(String address);

    /** Forgets what a take-time probe found for {@code address}: it was a member of the cluster. */
    void clearTakeConflict(String address);

    /** Gratuitous ARP or unsolicited neighbour advertisements for {@code address}. */
    void announceInBackground(String address);

    /** Resets the established client connections on {@code address}; returns those reset. */
    List<String> killConnections(String address);

    /** The client connections that reached {@code address} while it was being released (at most {@code max}). */
    List<String> strandedClients(String address, int max);

    /** Tickle ACKs to {@code clients} of {@code address}; {@code sent} is told how many went out. */
    void tickleInBackground(String address, List<String> clients, IntConsumer sent);

    /** This node's MAC addresses on the public-address interfaces. */
    Set<String> interfaceMacs();
}
