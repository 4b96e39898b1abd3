package org.sagent.agent.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** {@code sagent move-ip}: whether an address may be pinned to a node now, and with which pin. Pure. */
public final class MoveIp {

    private MoveIp() {
    }

    /** The answer to a move-ip request. */
    public sealed interface Decision {
    }

    /** Pin {@code address} to {@code pin.node()}. */
    public record Accepted(String address, Pin pin) implements Decision {
    }

    /** Refused, and why, in words for the administrator. */
    public record Refused(String why) implements Decision {
    }

    /**
     * @param requested the address as the administrator typed it
     * @param address   the configured public address it names, if it names one
     * @param printed   every configured public address (as named between nodes) to its address/prefix, in order
     * @param nodes     the configured node names, in order
     * @param node      where it should go
     * @param picture   the cluster as this node sees it now
     * @param nowMillis this node's clock
     */
    public static Decision decide(String requested, Optional<String> address, Map<String, String> printed,
                                  List<String> nodes, String node, ClusterPicture picture, long nowMillis) {
        if (address.isEmpty() || !printed.containsKey(address.get())) {
            return new Refused(requested + " is not a public address of this cluster; configured: "
                    + String.join(", ", printed.keySet()));
        }
        String key = address.get();
        if (!nodes.contains(node)) {
            return new Refused("no node named " + node + "; nodes: " + String.join(", ", nodes));
        }
        if (!picture.view().contains(node)) {
            return new Refused(node + " is not in this node's cluster view (DISCONNECTED): it cannot take "
                    + printed.get(key));
        }
        NodeState target = picture.state(node).orElseThrow();
        if (!target.canTake()) {
            String state = target.disabled() ? "DISABLED" : target.readiness().name();
            return new Refused(node + " is " + state + (target.reasons().isEmpty() ? "" : " ("
                    + String.join("; ", target.reasons()) + ")") + ": it may not take " + printed.get(key));
        }
        // Newer than any pin this node knows of for the address, even if another node's clock runs ahead.
        long stamp = picture.states().values().stream().map(s -> s.pins().get(key))
                .filter(Objects::nonNull).mapToLong(p -> p.atMillis() + 1)
                .reduce(nowMillis, Math::max);
        return new Accepted(key, new Pin(node, stamp));
    }
}
