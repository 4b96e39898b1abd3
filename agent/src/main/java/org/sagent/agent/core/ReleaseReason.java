package org.sagent.agent.core;

import java.util.List;
import java.util.Optional;

/** Why this node gives up an address it holds: the first rule that applies, in the order below. */
public sealed interface ReleaseReason {

    /** It stands down after losing an arbitration, or is fenced (spec 7.3, 7.5). */
    record StandsDown(String fence) implements ReleaseReason {
    }

    /** It is stopping and hands its addresses over (F8). */
    record Stopping() implements ReleaseReason {
    }

    /** A check failed (F5, F7). */
    record Unhealthy(List<String> reasons) implements ReleaseReason {
        public Unhealthy {
            reasons = List.copyOf(reasons);
        }
    }

    /** {@code sagent move-ip} put it on another node. */
    record MovedByAdmin(String to) implements ReleaseReason {
    }

    /** Two nodes held it; the allocation chose the other (spec 2.1). */
    record Duplicate(List<String> holders) implements ReleaseReason {
        public Duplicate {
            holders = List.copyOf(holders);
        }
    }

    /** Its home node is back and may have it (failback, F9). */
    record HomeBack(String home) implements ReleaseReason {
    }

    /** The allocation moved this node's own home address elsewhere. */
    record MovedByAllocation() implements ReleaseReason {
    }

    /** As the journal and the move history say it. */
    default String describe() {
        if (this instanceof StandsDown s) {
            return "this node stands down (" + s.fence() + ")";
        } else if (this instanceof Stopping) {
            return "this node is stopping (handing it over)";
        } else if (this instanceof Unhealthy u) {
            return "this node is unhealthy (" + String.join("; ", u.reasons()) + ")";
        } else if (this instanceof MovedByAdmin m) {
            return "moved to " + m.to() + " by sagent move-ip";
        } else if (this instanceof Duplicate d) {
            return "duplicate: " + String.join(" and ", d.holders()) + " both held it; it belongs to the other";
        } else if (this instanceof HomeBack h) {
            return "its home " + h.home() + " is back and healthy";
        }
        return "moved by the allocation";
    }

    /**
     * @param self      this node's name
     * @param home      the address's home node
     * @param fence     why this node is fenced, if it is
     * @param draining  this node is stopping
     * @param readiness this node's readiness
     * @param reasons   why this node is not OK
     */
    static ReleaseReason of(String address, String self, String home, Optional<String> fence, boolean draining,
                            Readiness readiness, List<String> reasons, ClusterPicture picture) {
        if (fence.isPresent()) {
            return new StandsDown(fence.get());
        }
        if (draining) {
            return new Stopping();
        }
        if (readiness == Readiness.UNHEALTHY) {
            return new Unhealthy(reasons);
        }
        String pinned = picture.pins().get(address);
        if (pinned != null && !pinned.equals(self)) {
            return new MovedByAdmin(pinned);
        }
        if (picture.holders(address).size() > 1) {
            return new Duplicate(picture.holders(address));
        }
        return home.equals(self) ? new MovedByAllocation() : new HomeBack(home);
    }
}
