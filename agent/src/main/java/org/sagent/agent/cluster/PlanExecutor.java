package org.sagent.agent.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.sagent.agent.addresses.AddressPort;
import org.sagent.agent.addresses.TakeOutcome;
import org.sagent.agent.core.ClusterPicture;
import org.sagent.agent.core.NodeState;
import org.sagent.agent.core.ReconcilePlan;
import org.sagent.agent.core.ReleaseReason;
import org.sagent.agent.core.TakeOrigin;
import org.sagent.agent.logging.Notice;
import org.sagent.agent.time.MonotonicClock;
import org.sagent.agent.time.MonotonicInstant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link ReconcilePlan} on this node's interfaces: releases first (and says so
 * at once), then takes; one journal line, the metrics and a move-history entry per address.
 * Keeps since when each address has been unserved, the outage a takeover reports. Loop thread only.
 */
final class PlanExecutor {

    private static final Logger log = LoggerFactory.getLogger(NodeController.class);

    private final String self;
    private final MonotonicClock clock;
    private final ControllerSettings settings;
    private final AddressPort addresses;
    private final ClientHandover clients;
    private final MoveHistory moves;
    private final FailoverEvents events;
    private final Set<String> waitingLogged = new LinkedHashSet<>();
    /** When this node first saw each address held by nobody: the start of the outage it reports. */
    private final Map<String, MonotonicInstant> unservedSince = new HashMap<>();
    private Set<String> clusterMacs = Set.of();

    PlanExecutor(String self, MonotonicClock clock, ControllerSettings settings, AddressPort addresses, ClientHandover clients,
                 MoveHistory moves, FailoverEvents events) {
        this.self = self;
        this.clock = clock;
        this.settings = settings;
        this.addresses = addresses;
        this.clients = clients;
        this.moves = moves;
        this.events = events;
    }

    /**
     * Takes note of who holds what before a plan is carried out.
     *
     * @param clusterMacs the MAC addresses of every node of the cluster: their ARP is no foreign conflict
     */
    void observe(ClusterPicture picture, Set<String> clusterMacs, MonotonicInstant now) {
        this.clusterMacs = clusterMacs;
        for (ClusterPicture.Address address : picture.addresses()) {
            if (picture.holders(address.address()).isEmpty()) {
                unservedSince.putIfAbsent(address.address(), now);
            } else {
                unservedSince.remove(address.address());
                addresses.clearTakeConflict(address.address()); // a member answered our probe: no conflict
            }
        }
    }

    /**
     * @param reasons     why this node releases an address
     * @param released    called after the releases, before any take: publishes them
     * @param peerStates  the members' states, as received: where a taken address came from
     * @return true if anything changed on the interfaces
     */
    boolean execute(ReconcilePlan plan, ClusterPicture picture, Map<String, Optional<String>> allocation,
                    Function<String, ReleaseReason> reasons, Runnable released, Collection<NodeState> peerStates) {
        boolean changed = false;
        for (String address : plan.release()) {
            MonotonicInstant start = clock.now();
            List<String> reset = clients.resetBeforeRelease(address);
            addresses.release(address);
            List<String> stranded = clients.leaveBehind(address, reset);
            changed = true;
            String why = reasons.apply(address).describe();
            log.info(Notice.NOTICE, "released {}: {}, {} ms{}{}", settings.where(address), why,
                    clock.since(start).toMillis(),
                    reset.isEmpty() ? "" : "; reset " + reset.size() + " client connections so they reconnect to the "
                            + "new holder",
                    stranded.isEmpty() ? "" : "; " + stranded.size() + " more connected while it was being released");
            moves.add(address, self, allocation.get(address).orElse("nobody"), why, null);
        }
        if (changed) {
            released.run(); // release before acquire: the new holder need not wait a turn
        }
        for (String address : plan.waiting()) {
            if (waitingLogged.add(address)) {
                log.info("{} is ours now; waiting for {} to release it first", address,
                        String.join(", ", picture.holders(address)));
            }
        }
        waitingLogged.retainAll(plan.waiting());
        for (ReconcilePlan.Take take : plan.take()) {
            changed |= take(take, picture, peerStates);
        }
        return changed;
    }

    /** Takes one address as planned; true if it is now on this node. */
    private boolean take(ReconcilePlan.Take take, ClusterPicture picture, Collection<NodeState> peerStates) {
        MonotonicInstant start = clock.now();
        String address = take.address();
        String conflictBefore = addresses.conflicts().get(address);
        TakeOutcome outcome = addresses.take(take);
        if (outcome instanceof TakeOutcome.Taken taken) {
            TakeOrigin origin = TakeOrigin.of(address, peerStates, picture);
            Optional<Duration> outage = Optional.ofNullable(unservedSince.remove(address))
                    .map(clock::since);
            log.info(Notice.NOTICE, "took {} from {}: {}, {} announcements, {} ms{}", settings.where(address), origin.describe(),
                    take.probing().describeClear(), taken.announcements() * 2,
                    clock.since(start).toMillis(),
                    outage.map(d -> "; unserved for " + d.toMillis() + " ms").orElse(""));
            events.tookOver(address, origin.metricReason(), outage);
            clients.taken(address, picture);
            moves.add(address, origin.from(), self, origin.why(), outage.map(Duration::toMillis).orElse(null));
            return true;
        }
        if (outcome instanceof TakeOutcome.InUse inUse) {
            // Something answers for it, so clients are served: a later takeover's outage counts
            // from here, not from when this node first saw no holder (a peer whose state has
            // not reached us yet, a foreign host).
            unservedSince.put(address, clock.now());
            if (clusterMacs.contains(inUse.mac())) {
                // A node of this cluster still answers (its agent died or froze): not a foreign host.
                addresses.clearTakeConflict(address);
            } else if (!inUse.mac().equals(conflictBefore)) {
                events.conflict(address);
            }
        }
        return false;
    }
}
