package org.sagent.agent.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** Threads that spin until closed: a machine whose cores are busy, for tests of timing under load. */
final class CpuBurners implements AutoCloseable {

    private final AtomicBoolean burning = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    CpuBurners(int count) {
        for (int i = 0; i < count; i++) {
            Thread burner = new Thread(() -> {
                long x = 0;
                while (burning.get()) {
                    x += System.nanoTime() % 7;
                }
                if (x == 42) {
                    System.out.print(""); // keeps the loop from being optimised away
                }
            }, "cpu-burner-" + i);
            burner.setDaemon(true);
            burner.start();
            threads.add(burner);
        }
    }

    @Override
    public void close() throws InterruptedException {
        burning.set(false);
        for (Thread burner : threads) {
            burner.join(1000);
        }
    }
}
