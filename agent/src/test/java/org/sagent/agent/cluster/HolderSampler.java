package org.sagent.agent.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Samples, in the background, which server can answer for each public address (the address is
 * on its eth1 and eth1 is up with carrier), and records the time two hold one address (spec 2.1)
 * and every change of holder.
 *
 * <p>The servers are read one after the other, a few ms apart, so a clean move that happens
 * between the two reads looks like a duplicate in that one sample. A duplicate therefore counts
 * only when two samples in a row show it on the same address: one shorter than about two
 * sampling periods (~25 ms) goes unseen.
 */
final class HolderSampler implements AutoCloseable {

    /** One observed change: when, which address, from which holders to which. */
    record Change(long atMillis, String address, Set<String> holders) {
    }

    private final ClusterLab cluster;
    private final Thread thread;
    private final List<Change> changes = new ArrayList<>();
    private volatile boolean running = true;
    private long duplicateMillis;
    private long lastSample;
    private long lastDuplicateAt = -1;

    HolderSampler(ClusterLab cluster) {
        this.cluster = cluster;
        this.thread = new Thread(this::run, "holder-sampler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        Map<String, Set<String>> previous = Map.of();
        Set<String> duplicatedBefore = Set.of();
        while (running) {
            long now = System.currentTimeMillis();
            Map<String, Set<String>> byAddress = new java.util.TreeMap<>();
            for (String address : List.of(ClusterLab.PUBLIC_0, ClusterLab.PUBLIC_1)) {
                byAddress.put(address, new java.util.TreeSet<>());
            }
            try {
                cluster.answeringEverywhere().forEach((node, held) -> held.forEach(a -> byAddress.get(a).add(node)));
            } catch (RuntimeException e) {
                continue; // a namespace being torn down at the end
            }
            Set<String> duplicated = new java.util.TreeSet<>();
            byAddress.forEach((address, holders) -> {
                if (holders.size() > 1) {
                    duplicated.add(address);
                }
            });
            synchronized (this) {
                boolean confirmed = duplicated.stream().anyMatch(duplicatedBefore::contains);
                if (confirmed) {
                    duplicateMillis += lastSample == 0 ? 0 : now - lastSample;
                    lastDuplicateAt = now;
                }
                for (Map.Entry<String, Set<String>> e : byAddress.entrySet()) {
                    if (!e.getValue().equals(previous.getOrDefault(e.getKey(), Set.of()))) {
                        changes.add(new Change(now, e.getKey(), Set.copyOf(e.getValue())));
                    }
                }
                lastSample = now;
            }
            previous = byAddress;
            duplicatedBefore = duplicated;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Total time (between samples) during which some address had two holders. */
    synchronized Duration duplicateTime() {
        return Duration.ofMillis(duplicateMillis);
    }

    synchronized long lastDuplicateAt() {
        return lastDuplicateAt;
    }

    /** Changes of holder of {@code address}, in order, after the first sample. */
    synchronized List<Change> changes(String address) {
        return changes.stream().filter(c -> c.address().equals(address)).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(2000);
    }
}
