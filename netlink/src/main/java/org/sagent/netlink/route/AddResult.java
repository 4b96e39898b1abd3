package org.sagent.netlink.route;

/** What adding an address did: both outcomes leave it present. */
public sealed interface AddResult {
    record Added() implements AddResult {
    }

    record AlreadyPresent() implements AddResult {
    }
}
