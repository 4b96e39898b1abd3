package org.sagent.agent.core;

/** Why a pin this node was given ({@code sagent move-ip}) no longer stands. */
public sealed interface PinEnd {

    String address();

    /** Its node can no longer serve the address: the usual rules place it again. */
    record CannotServe(String address, String node) implements PinEnd {
    }

    /** A newer pin, given to another node, replaced it. */
    record Superseded(String address) implements PinEnd {
    }
}
