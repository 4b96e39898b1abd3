package org.sagent.agent.core;

/**
 * An administrator's {@code sagent move-ip}: the address belongs on {@code node} from {@code atMillis}
 * (wall clock of the node that took the command) until that node can no longer serve it.
 */
public record Pin(String node, long atMillis) {
}
