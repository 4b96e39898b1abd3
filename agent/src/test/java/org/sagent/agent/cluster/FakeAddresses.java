package org.sagent.agent.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;
import org.sagent.agent.addresses.AddressPort;
import org.sagent.agent.addresses.TakeOutcome;
import org.sagent.agent.core.ReconcilePlan;
import org.sagent.agent.core.TakeProbe;
import org.sagent.agent.time.MonotonicClock;
import org.sagent.agent.time.MonotonicInstant;

/**
 * An in-memory stand-in for this node's interfaces and the LAN around them: what the node
 * holds, which other hosts answer for an address (by MAC), and a record of every act. Follows
 * {@link org.sagent.agent.addresses.AddressReconciler}'s contract: a probe that is answered (its
 * own, or the peer check's round) does not add, records the conflict, and a release is
 * remembered for a few seconds.
 */
final class FakeAddresses implements AddressPort {

    private final MonotonicClock clock;
    private final String ownMac;
    private final Set<String> held = new LinkedHashSet<>();
    private final Map<String, String> answeredBy = new HashMap<>();
    private final Map<String, MonotonicInstant> released = new HashMap<>();
    private final Map<String, String> conflicts = new HashMap<>();
    private final Map<String, List<String>> connections = new HashMap<>();
    final List<String> releases = new ArrayList<>();
    final List<ReconcilePlan.Take> takes = new ArrayList<>();
    final List<String> announcements = new ArrayList<>();
    final List<String> tickled = new ArrayList<>();

    /** @param ownMac the MAC of this node's LAN interface */
    FakeAddresses(MonotonicClock clock, String ownMac) {
        this.clock = clock;
        this.ownMac = ownMac;
    }

    /** The address is on this node's interface (left by a previous agent, or added by hand). */
    FakeAddresses holding(String... addresses) {
        held.addAll(List.of(addresses));
        return this;
    }

    /** Another host (another node's kernel, a foreign host) answers ARP for {@code address} now. */
    void answers(String address, String mac) {
        answeredBy.put(address, mac);
    }

    void silent(String address) {
        answeredBy.remove(address);
    }

    /** Someone removes the address by hand (F12). */
    void removedByHand(String address) {
        held.remove(address);
    }

    /** Client connections established on {@code address}. */
    void connected(String address, String... clients) {
        connections.put(address, List.of(clients));
    }

    @Override
    public Set<String> held() {
        return Set.copyOf(held);
    }

    @Override
    public Set<String> recentlyReleased() {
        MonotonicInstant now = clock.now();
        released.values().removeIf(at -> now.since(at).compareTo(Duration.ofSeconds(10)) > 0);
        return Set.copyOf(released.keySet());
    }

    @Override
    public Map<String, String> conflicts() {
        return Map.copyOf(conflicts);
    }

    @Override
    public boolean release(String address) {
        releases.add(address);
        released.put(address, clock.now());
        return held.remove(address);
    }

    @Override
    public TakeOutcome take(ReconcilePlan.Take take) {
        takes.add(take);
        String mac = take.probing() instanceof TakeProbe.AnsweredInPeerCheck answered ? answered.mac()
                : take.probe() ? answeredBy.get(take.address()) : null;
        if (mac != null) {
            conflicts.put(take.address(), mac);
            return new TakeOutcome.InUse(mac);
        }
        conflicts.remove(take.address());
        held.add(take.address());
        released.remove(take.address());
        announcements.add(take.address());
        return new TakeOutcome.Taken(!(take.probing() instanceof TakeProbe.Released), 3);
    }

    @Override
    public Optional<String> answeredByAnother(String address) {
        return Optional.ofNullable(answeredBy.get(address));
    }

    @Override
    public void clearTakeConflict(String address) {
        conflicts.remove(address);
    }

    @Override
    public void announceInBackground(String address) {
        announcements.add(address);
    }

    @Override
    public List<String> killConnections(String address) {
        return connections.getOrDefault(address, List.of());
    }

    @Override
    public List<String> strandedClients(String address, int max) {
        return List.of();
    }

    @Override
    public void tickleInBackground(String address, List<String> clients, IntConsumer sent) {
        tickled.addAll(clients);
        sent.accept(clients.size() * 3);
    }

    @Override
    public Set<String> interfaceMacs() {
        return Set.of(ownMac);
    }
}
