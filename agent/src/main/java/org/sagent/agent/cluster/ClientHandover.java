package org.sagent.agent.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.sagent.agent.addresses.AddressPort;
import org.sagent.agent.config.ConnectionsSettings;
import org.sagent.agent.core.ClientsLeftBehind;
import org.sagent.agent.core.ClusterPicture;

/**
 * Client connections at a move (connections.*): reset before a release, what a release left
 * behind published for the taker, and tickle ACKs after a take. Loop thread only.
 */
final class ClientHandover {

    private final String self;
    private final ConnectionsSettings settings;
    private final AddressPort addresses;
    private final FailoverEvents events;
    /** The client connections on the public addresses, from the last sock_diag listing. */
    private Map<String, List<String>> clients = Map.of();
    /** Per address just released: the connections it had there, for its taker to tickle. */
    private final Map<String, List<String>> leftBehind = new HashMap<>();

    ClientHandover(String self, ConnectionsSettings settings, AddressPort addresses, FailoverEvents events) {
        this.self = self;
        this.settings = settings;
        this.addresses = addresses;
        this.events = events;
    }

    void listed(Map<String, List<String>> current) {
        clients = Map.copyOf(current);
    }

    /** How many client connections this node has on {@code address} now. */
    int count(String address) {
        return clients.getOrDefault(address, List.of()).size();
    }

    /** Before a release: resets the address's client connections (connections.kill-on-release). */
    List<String> resetBeforeRelease(String address) {
        if (!settings.killOnRelease()) {
            return List.of();
        }
        List<String> killed = addresses.killConnections(address);
        if (!killed.isEmpty()) {
            events.connectionsKilled(address, killed.size());
        }
        return killed;
    }

    /**
     * After a release (with connections.kill-on-release): what the taker should tickle, published
     * with the release: the connections just reset (a reset does not reach a client when this
     * node's LAN is down) and those that connected while the address was being released (their
     * reset can no longer leave). Returns the latter.
     */
    List<String> leaveBehind(String address, List<String> reset) {
        if (!settings.killOnRelease()) {
            return List.of();
        }
        int max = settings.maxPerAddress();
        List<String> stranded = addresses.strandedClients(address, max);
        List<String> all = Stream.concat(reset.stream(), stranded.stream()).distinct().limit(max).toList();
        if (!all.isEmpty()) {
            leftBehind.put(address, all);
        }
        return stranded;
    }

    /**
     * After taking an address: tickle ACKs to the clients its previous holder left on it (a
     * vanished holder's, or what a releasing one reset or could not reset there).
     */
    void taken(String address, ClusterPicture picture) {
        leftBehind.remove(address);
        if (!settings.tickle()) {
            return;
        }
        List<String> known = ClientsLeftBehind.toTickle(address, self, picture);
        if (!known.isEmpty()) {
            addresses.tickleInBackground(address, known, sent -> events.tickles(address, sent));
        }
    }

    /** What this node publishes: its clients on what it holds, and what it left on what it just released. */
    Map<String, List<String>> published(Set<String> held, Set<String> released) {
        leftBehind.keySet().retainAll(released); // published while the address is advertised as released
        return ClientsLeftBehind.published(clients, held, leftBehind);
    }
}
