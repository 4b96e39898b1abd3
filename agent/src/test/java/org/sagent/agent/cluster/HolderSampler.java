package org.sagent.agent.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Samples, in the background, which server can answer for each public address (the address is
 * on its eth1 and eth1 is up), and records
 * every instant at which two hold one address (spec 2.1) and every change of holder.
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
            synchronized (this) {
                boolean duplicate = byAddress.values().stream().anyMatch(h -> h.size() > 1);
                if (duplicate) {
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
