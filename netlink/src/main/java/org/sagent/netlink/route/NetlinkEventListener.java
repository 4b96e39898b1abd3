package org.sagent.netlink.route;

/** Receives events on the monitor's own thread, one at a time, in the kernel's order. */
public interface NetlinkEventListener {

    void onEvent(NetlinkEvent event);

    /** An unexpected failure while reading events; the monitor goes on after a short pause. */
    default void onError(RuntimeException error) {
    }
}
