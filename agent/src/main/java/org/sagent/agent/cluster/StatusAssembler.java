package org.sagent.agent.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.sagent.agent.addresses.AddressReconciler;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.control.StatusReport;
import org.sagent.agent.health.HealthView;
import org.sagent.agent.time.MonotonicInstant;

/** Builds what {@code sagent status} shows from the controller's view of the cluster at one moment. */
final class StatusAssembler {

    /**
     * This node's side.
     *
     * @param state     OK, STARTING, UNHEALTHY, DISABLED or STOPPING
     * @param reasons   why it is not OK
     * @param held      the public addresses on its interfaces now
     * @param pins      the agreed pins, by address
     * @param conflicts address to the MAC of a foreign host answering for it
     * @param clients   its client connections on an address it holds
     * @param moves     the last moves it made
     */
    record Own(String state, List<String> reasons, Set<String> held, Map<String, String> pins,
               Map<String, String> conflicts, ToIntFunction<String> clients, List<StatusReport.Move> moves) {
    }

    /**
     * The replication link as the agent sees it.
     *
     * @param interfaceName the interface carrying the replication address, null when unknown
     * @param up            it has carrier
     */
    record Replication(String interfaceName, boolean up) {
    }

    private final ControllerSettings settings;
    private final String self;

    StatusAssembler(ControllerSettings settings, String self) {
        this.settings = settings;
        this.self = self;
    }

    /** @param now on the monotonic clock: how long ago each check ran */
    StatusReport assemble(Own own, PeerStates peers, HealthView health, Replication replication,
                          MonotonicInstant now) {
        return new StatusReport(self, settings.clusterName(), nodes(own, peers),
                addresses(own, peers), checks(health, now), link(peers, replication), own.moves());
    }

    private List<StatusReport.Node> nodes(Own own, PeerStates peers) {
        List<StatusReport.Node> nodes = new ArrayList<>();
        for (NodeSpec node : settings.nodes().stream().sorted(Comparator.comparingInt(NodeSpec::number)).toList()) {
            String state;
            List<String> why;
            if (node.name().equals(self)) {
                state = own.state();
                why = own.reasons();
            } else if (peers.disconnected(node.name())) {
                state = "DISCONNECTED";
                why = List.of(peers.lanView().contains(node.name()) ? "not in the replication view; alive on the LAN"
                        : "not in the replication view");
            } else {
                var r = peers.received(node.name());
                state = r.map(p -> p.state().disabled() ? "DISABLED" : p.state().readiness().name()).orElse("STARTING");
                why = r.map(p -> p.state().reasons()).orElse(List.of("no state received yet"));
            }
            nodes.add(new StatusReport.Node(node.number(), node.name(), node.replicationAddress().getHostAddress(),
                    node.name().equals(self), state, why, peers.lanView().contains(node.name())));
        }
        return nodes;
    }

    private List<StatusReport.Address> addresses(Own own, PeerStates peers) {
        List<StatusReport.Address> list = new ArrayList<>();
        for (PublicAddressSpec spec : settings.publicAddresses()) {
            String key = AddressReconciler.key(spec.address().address());
            List<String> holders = new ArrayList<>();
            if (own.held().contains(key)) {
                holders.add(self);
            }
            peers.memberStates().stream().filter(s -> s.held().contains(key)).map(s -> s.node()).forEach(holders::add);
            String pinnedTo = own.pins().get(key);
            int connections = holders.contains(self) ? own.clients().applyAsInt(key)
                    : peers.memberStates().stream().filter(s -> s.held().contains(key))
                    .mapToInt(s -> s.clients().getOrDefault(key, List.of()).size()).sum();
            list.add(new StatusReport.Address(spec.address().toString(), spec.interfaceName(), spec.home(), holders,
                    pinnedTo != null && !pinnedTo.equals(spec.home()) ? pinnedTo : null, own.conflicts().get(key),
                    connections));
        }
        return list;
    }

    private static List<StatusReport.Check> checks(HealthView health, MonotonicInstant now) {
        return health == null ? List.of() : health.checks().stream().map(c -> new StatusReport.Check(c.name(),
                c.healthy(), c.degraded(), c.lastReason(),
                c.last().map(r -> now.since(r.at()).toMillis()).orElse(-1L),
                c.last().map(r -> r.took().toMillis()).orElse(-1L))).toList();
    }

    private StatusReport.Link link(PeerStates peers, Replication replication) {
        List<String> peersInView = peers.view().stream().filter(n -> !n.equals(self)).sorted().toList();
        String note = replication.up() ? "up" : settings.nodes().stream().filter(n -> !n.name().equals(self))
                .map(n -> peers.lanView().contains(n.name()) ? n.name() + " alive on LAN" : n.name() + " not seen on LAN")
                .collect(Collectors.joining(", ", "replication link down; ", ""));
        return new StatusReport.Link(replication.interfaceName() == null ? "?" : replication.interfaceName(),
                replication.up(), peersInView, note);
    }
}
