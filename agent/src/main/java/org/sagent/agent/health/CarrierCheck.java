package org.sagent.agent.health;

import java.util.Optional;

/** A public-address interface must have carrier: without it, addresses there reach nobody (F5). */
public final class CarrierCheck implements HealthCheck {

    private final String interfaceName;
    private final LinkCarrierWatcher watcher;

    public CarrierCheck(String interfaceName, LinkCarrierWatcher watcher) {
        this.interfaceName = interfaceName;
        this.watcher = watcher;
    }

    /** The kernel's carrier event is exact: a lost cable is not retried {@code fall} times. */
    @Override
    public boolean failsAtOnce() {
        return true;
    }

    @Override
    public String name() {
        return "carrier:" + interfaceName;
    }

    @Override
    public CheckOutcome check() {
        Optional<Boolean> carrier = watcher.carrier(interfaceName);
        if (carrier.isEmpty()) {
            return CheckOutcome.fail("no interface " + interfaceName + " on this node");
        }
        return carrier.get() ? CheckOutcome.pass(interfaceName + " has carrier")
                : CheckOutcome.fail(interfaceName + " has no carrier (cable out, switch port down?)");
    }
}
