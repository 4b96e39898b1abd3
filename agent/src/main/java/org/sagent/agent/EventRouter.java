package org.sagent.agent;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.sagent.agent.cluster.NodeController;
import org.sagent.agent.control.StatusReport;
import org.sagent.agent.health.HealthView;
import org.sagent.agent.isolation.IsolationCoordinator;
import org.sagent.agent.systemd.SystemdNotifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each {@link AgentEvent} to the part that decides on it (the node controller, the
 * isolation coordinator) and assembles the status report from both. On the loop thread only.
 */
final class EventRouter {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final NodeController controller;
    private final IsolationCoordinator isolation;
    private final boolean isolationEnabled;
    private final SystemdNotifier notifier;
    private final String replicationInterface;
    private final BooleanSupplier replicationUp;
    private HealthView lastHealth;
    private String lastStatus = "";
    private boolean gateReported;

    /**
     * @param replicationInterface the interface with the replication address, null when unknown
     * @param replicationUp        whether it has carrier now
     */
    EventRouter(NodeController controller, IsolationCoordinator isolation, boolean isolationEnabled,
                SystemdNotifier notifier, String replicationInterface, BooleanSupplier replicationUp) {
        this.controller = controller;
        this.isolation = isolation;
        this.isolationEnabled = isolationEnabled;
        this.notifier = notifier;
        this.replicationInterface = replicationInterface;
        this.replicationUp = replicationUp;
    }

    void handle(AgentEvent event) {
        if (event instanceof AgentEvent.Membership m) {
            controller.onMembership(m.event(), m.receivedAt());
            isolation.onMembership(m.event());
        } else if (event instanceof AgentEvent.Health h) {
            onHealth(h.view());
        } else if (event instanceof AgentEvent.AddressesChanged) {
            controller.turn();
        } else if (event instanceof AgentEvent.ReplicationCarrier c) {
            // Each on its own: a failure in the arbitration must not keep the controller from hearing it.
            AgentLoop.safely(() -> isolation.replicationCarrier(c.up()));
            if (c.up()) {
                AgentLoop.safely(controller::replicationCarrierBack);
            }
        } else if (event instanceof AgentEvent.PeerLiveness p) {
            // DRBD first: its disconnect runs off the loop, while the takeover holds the loop.
            AgentLoop.safely(() -> isolation.peerLiveness(p.peer(), p.alive()));
            AgentLoop.safely(() -> controller.peerLiveness(p.peer(), p.alive(), p.detail(), p.round()));
        } else if (event instanceof AgentEvent.Thawed t) {
            controller.thawed(t.frozen());
        } else if (event instanceof AgentEvent.ClientsListed c) {
            controller.setClients(c.byAddress());
        } else if (event instanceof AgentEvent.WitnessRound w) {
            isolation.witnessRound(w.round());
        } else if (event instanceof AgentEvent.Fence f) {
            controller.fence(f.why(), false);
        } else if (event instanceof AgentEvent.StoodDown s) {
            isolation.stoodDown(s.why());
        }
    }

    /** The timed turn: what time alone changes, the publishing, and whatever an event missed. */
    void turn() {
        AgentLoop.safely(controller::turn);
        AgentLoop.safely(isolation::turn);
    }

    /**
     * How soon the next timed turn is needed if no event comes first: as the controller asks,
     * and at the in-motion cadence while the isolation coordinator counts time (an arbitration,
     * a silent peer, DRBD to connect again).
     */
    Duration nextTurnWithin() {
        Duration controllerAsks = controller.nextTurnWithin();
        return isolation.countingTime() && NodeController.IN_MOTION.compareTo(controllerAsks) < 0
                ? NodeController.IN_MOTION : controllerAsks;
    }

    private void onHealth(HealthView view) {
        lastHealth = view;
        String status = view.summary();
        if (!status.equals(lastStatus)) {
            lastStatus = status;
            notifier.status(status);
        }
        if (view.gateOpen() && !gateReported) {
            gateReported = true;
            log.info("start-up gate open: every check passed {} times in a row", view.rise());
        }
        controller.onHealth(view);
    }

    /** What {@code sagent status} shows. */
    StatusReport report() {
        StatusReport r = controller.report(lastHealth, replicationInterface, replicationUp.getAsBoolean());
        return !isolationEnabled ? r : new StatusReport(r.node(), r.cluster(), r.nodes(), r.addresses(), r.checks(),
                r.replication(), r.failovers(), isolation.report());
    }
}
