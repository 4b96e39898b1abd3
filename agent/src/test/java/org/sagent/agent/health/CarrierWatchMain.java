package org.sagent.agent.health;

import java.util.Set;

/** Runs inside a test namespace: prints the carrier check's outcome whenever netlink says eth1 changed. */
public final class CarrierWatchMain {

    private CarrierWatchMain() {
    }

    public static void main(String[] args) throws Exception {
        Object lock = new Object();
        LinkCarrierWatcher[] watcher = new LinkCarrierWatcher[1];
        try (LinkCarrierWatcher w = LinkCarrierWatcher.start(Set.of(args[0]), name -> {
            synchronized (lock) {
                if (watcher[0] != null) {
                    System.out.println("changed " + line(new CarrierCheck(name, watcher[0]).check()));
                    System.out.flush();
                }
            }
        })) {
            synchronized (lock) {
                watcher[0] = w;
                System.out.println("initial " + line(new CarrierCheck(args[0], w).check()));
                System.out.flush();
            }
            Thread.sleep(30_000); // the test ends us long before
        }
    }

    /** What the test compares: the outcome's verdict and reason, not the record's whole text. */
    private static String line(CheckOutcome outcome) {
        return "passed=" + outcome.passed() + " degraded=" + outcome.degraded() + " reason=" + outcome.reason();
    }
}
