package org.sagent.agent.cluster;

import static org.mockito.Mockito.mock;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sagent.agent.ManualClock;
import org.sagent.agent.config.ConnectionsSettings;
import org.sagent.agent.config.FailbackMode;
import org.sagent.agent.config.IpPrefix;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.core.NodeState;
import org.sagent.agent.core.Readiness;
import org.sagent.agent.health.CheckOutcome;
import org.sagent.agent.health.CheckResult;
import org.sagent.agent.health.CheckState;
import org.sagent.agent.health.HealthView;
import org.sagent.agent.membership.MembershipEvent;

/**
 * One {@link NodeController} of the two-node reference cluster (s0 home of .120, s1 home of
 * .121) with a fake LAN, a clock the test moves, and its peer played by the test: the peer's
 * states and the views are what the membership layer would deliver.
 */
final class ControllerHarness {

    static final String A20 = "198.51.100.120";
    static final String B21 = "198.51.100.121";
    static final Instant START = Instant.parse("2026-01-05T08:00:00Z");

    final String self;
    final String peer;
    final ManualClock clock = new ManualClock(START);
    final FakeAddresses kernel;
    final FailoverEvents events = mock(FailoverEvents.class);
    final List<NodeState> published = new ArrayList<>();
    private final ControllerSettings settings;
    private final long peerIncarnation = START.toEpochMilli() - 60_000;
    NodeController controller;
    private CheckState drbd = CheckState.initial("drbd");
    /** How long the peer's agent has run, as its states say. */
    Duration peerUptime = Duration.ofMinutes(5);

    private ControllerHarness(String self, FailbackMode failback) {
        this.self = self;
        this.peer = self.equals("s0") ? "s1" : "s0";
        this.kernel = new FakeAddresses(clock, mac(self));
        this.settings = new ControllerSettings("scluster", List.of(node("s0", 0), node("s1", 1)),
                List.of(publicAddress(A20, "s0"), publicAddress(B21, "s1")), failback, Duration.ofSeconds(30),
                ConnectionsSettings.defaults());
    }

    static ControllerHarness as(String self) {
        return new ControllerHarness(self, FailbackMode.AUTO);
    }

    static ControllerHarness as(String self, FailbackMode failback) {
        return new ControllerHarness(self, failback);
    }

    /** The MAC of a node's LAN interface (what its ARP answers carry). */
    static String mac(String node) {
        return node.equals("s0") ? "02:00:00:00:00:10" : "02:00:00:00:00:11";
    }

    /** Starts the agent: what the kernel holds is adopted (or let go if another host answers). */
    ControllerHarness start() {
        controller = new NodeController(settings, self, clock, clock, kernel, published::add, events);
        return this;
    }

    /** The checks pass (the gate opens) or fail, as the health monitor would report after rise/fall. */
    ControllerHarness health(boolean healthy) {
        controller.onHealth(view(healthy ? CheckOutcome.pass("Primary/UpToDate") : CheckOutcome.fail(
                "DRBD sstorage is Secondary")));
        return this;
    }

    /** Every check passes, DRBD's degraded (peer not connected). */
    ControllerHarness degraded() {
        controller.onHealth(view(CheckOutcome.degraded("peer WFConnection")));
        return this;
    }

    /** One check, rise 1 and fall 1: the first pass opens the gate, a failure after it makes the node UNHEALTHY. */
    private HealthView view(CheckOutcome outcome) {
        drbd = drbd.next(new CheckResult(outcome, clock.now(), Duration.ofMillis(3)), 1, 1);
        return new HealthView(List.of(drbd), 1);
    }

    /** The replication view is now {@code members}. */
    ControllerHarness view(String... members) {
        controller.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.REPLICATION, Set.of(members),
                false), clock.now());
        return this;
    }

    ControllerHarness merged(String... members) {
        controller.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.REPLICATION, Set.of(members),
                true), clock.now());
        return this;
    }

    /** The peer publishes: its readiness, what it holds and released, how long it has been eligible. */
    ControllerHarness peerSays(Readiness readiness, Set<String> held, Set<String> released, Duration eligibleFor) {
        NodeState state = new NodeState(peer, peerIncarnation, readiness, readiness == Readiness.OK ? List.of()
                : List.of("drbd: DRBD sstorage is Secondary"), false, held, released, eligibleFor.toMillis(),
                peerUptime.toMillis(), Set.of("s0", "s1"), Map.of(), Map.of(), Set.of(mac(peer)), null);
        controller.onMembership(new MembershipEvent.StateReceived(MembershipEvent.Path.REPLICATION, state,
                clock.instant()), clock.now());
        return this;
    }

    /** The peer is OK, eligible for long, and holds {@code held}. */
    ControllerHarness peerHolds(String... held) {
        return peerSays(Readiness.OK, Set.of(held), Set.of(), Duration.ofMinutes(5));
    }

    /** Time passes and the agent's loop turns. */
    ControllerHarness after(Duration duration) {
        clock.advance(duration);
        controller.turn();
        return this;
    }

    /** Both nodes healthy, each holding its home address, in one view: the matrix's starting point. */
    static ControllerHarness twoNodesHome(String self) {
        ControllerHarness h = as(self);
        h.kernel.holding(self.equals("s0") ? A20 : B21);
        h.start().health(true).view("s0", "s1").peerHolds(self.equals("s0") ? B21 : A20);
        h.clock.advance(Duration.ofMinutes(1));
        h.controller.turn();
        h.kernel.takes.clear();
        h.kernel.releases.clear();
        return h;
    }

    NodeState lastPublished() {
        return published.get(published.size() - 1);
    }

    private static NodeSpec node(String name, int number) {
        try {
            return new NodeSpec(name, number, InetAddress.getByName("192.0.2.1" + number),
                    InetAddress.getByName("198.51.100.2" + number));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PublicAddressSpec publicAddress(String address, String home) {
        return new PublicAddressSpec(IpPrefix.parse(address + "/24").orElseThrow(), "eth1", home);
    }

    Optional<String> moveIp(String address, String node) {
        return controller.moveIp(address, node);
    }
}
