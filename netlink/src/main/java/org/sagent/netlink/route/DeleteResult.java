package org.sagent.netlink.route;

/** What deleting an address did: both outcomes leave it absent. */
public sealed interface DeleteResult {
    record Deleted() implements DeleteResult {
    }

    record NotPresent() implements DeleteResult {
    }
}
