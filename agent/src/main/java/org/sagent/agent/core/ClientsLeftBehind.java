package org.sagent.agent.core;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Client connections that only the new holder of an address can end. A client whose server is
 * gone keeps waiting (for its own timeout: smbclient's is 20 s) as long as it has nothing to
 * send; a tickle ACK from the new holder makes it answer, and the new holder's kernel resets it.
 * Three kinds of connections need it: those of a holder that vanished (nobody reset them); those
 * a releasing holder reset while its own LAN was down (the reset never reached the client: seen
 * on the reference VMs when a LAN cable is cut); and those it accepted after the reset and
 * before its address was gone, whose reset can no longer leave it (no route from an address it
 * does not have; measured on a real kernel, see TcpConnectionsIT). A releasing holder publishes
 * the last two with its release; tickling a connection the client already closed only draws a
 * reset the new holder ignores. Pure.
 */
public final class ClientsLeftBehind {

    private ClientsLeftBehind() {
    }

    /**
     * What a node publishes as its {@code clients}: the connections listed on the addresses it
     * holds, and on an address it has just released the ones it left behind there.
     */
    public static Map<String, List<String>> published(Map<String, List<String>> listed, Set<String> held,
                                                     Map<String, List<String>> leftBehind) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        listed.forEach((address, clients) -> {
            if (held.contains(address) && !clients.isEmpty()) {
                out.put(address, List.copyOf(clients));
            }
        });
        leftBehind.forEach((address, clients) -> {
            if (!held.contains(address) && !clients.isEmpty()) {
                out.put(address, List.copyOf(clients));
            }
        });
        return out;
    }

    /**
     * The connections {@code self}, having just taken {@code address}, should tickle: those
     * published for it by the nodes that released it (still in the view) and by the nodes that
     * held it when they left the view.
     */
    public static List<String> toTickle(String address, String self, ClusterPicture picture) {
        Set<String> clients = new LinkedHashSet<>();
        for (NodeState state : picture.states().values()) {
            if (state.node().equals(self)) {
                continue;
            }
            boolean inView = picture.view().contains(state.node());
            boolean released = inView && state.released().contains(address);
            boolean vanishedHolding = !inView && state.held().contains(address);
            if (released || vanishedHolding) {
                clients.addAll(state.clients().getOrDefault(address, List.of()));
            }
        }
        return List.copyOf(clients);
    }
}
