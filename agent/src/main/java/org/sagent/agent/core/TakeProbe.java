package org.sagent.agent.core;

/**
 * Whether an address this node is about to take needs a duplicate-address probe of its own
 * first (spec 2.4), and if not, why not.
 */
public sealed interface TakeProbe {

    /** Its holder vanished, or nobody ever said: probe before adding. */
    record Needed() implements TakeProbe {
    }

    /** Its last holder released it and said so: nobody answers for it, no probe. */
    record Released() implements TakeProbe {
    }

    /** The peer check's ARP round probed it a moment ago and nobody answered: no second probe. */
    record ClearWithPeerCheck() implements TakeProbe {
    }

    /** Someone answered for it in the peer check's ARP round: that is a probe answer, as if just probed. */
    record AnsweredInPeerCheck(String mac) implements TakeProbe {
    }

    /** True when a probe must go out before the address is added. */
    default boolean probeFirst() {
        return this instanceof Needed;
    }

    /** How the journal's takeover line says it was found free. */
    default String describeClear() {
        if (this instanceof Released) {
            return "released, no probe";
        }
        return this instanceof ClearWithPeerCheck ? "probe clear (with the peer check)" : "probe clear";
    }
}
