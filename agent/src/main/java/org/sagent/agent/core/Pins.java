package org.sagent.agent.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pins every node agrees on. Each node publishes the pins it was given; every node reads
 * the same states and so picks the same pin per address: the newest, ties to the lowest node
 * name (two administrators moving one address at the same millisecond on two nodes).
 */
public final class Pins {

    private Pins() {
    }

    /** Address to the node it is pinned to. */
    public static Map<String, String> agreed(Collection<NodeState> states) {
        Map<String, Pin> newest = new HashMap<>();
        for (NodeState state : states) {
            state.pins().forEach((address, pin) -> newest.merge(address, pin, (a, b) ->
                    a.atMillis() != b.atMillis() ? (a.atMillis() > b.atMillis() ? a : b)
                            : (a.node().compareTo(b.node()) <= 0 ? a : b)));
        }
        Map<String, String> result = new HashMap<>();
        newest.forEach((address, pin) -> result.put(address, pin.node()));
        return result;
    }

    /**
     * The pins this node was given that no longer stand: their node can no longer take the
     * address, or the agreed pin for the address is another node's.
     *
     * @param own     this node's pins, by address
     * @param picture the cluster as this node sees it now
     */
    public static List<PinEnd> ended(Map<String, Pin> own, ClusterPicture picture) {
        List<PinEnd> ended = new ArrayList<>();
        own.forEach((address, pin) -> {
            String agreed = picture.pins().get(address);
            if (!picture.canTake(pin.node())) {
                ended.add(new PinEnd.CannotServe(address, pin.node()));
            } else if (agreed != null && !agreed.equals(pin.node())) {
                ended.add(new PinEnd.Superseded(address));
            }
        });
        return ended;
    }
}
