package org.sagent.agent;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.sagent.agent.addresses.AddressReconciler;
import org.sagent.agent.cluster.ControllerSettings;
import org.sagent.agent.cluster.NodeController;
import org.sagent.agent.config.DurationText;
import org.sagent.agent.config.HealthSettings;
import org.sagent.agent.config.IsolationSettings;
import org.sagent.agent.config.MetricsSettings;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.config.SagentConfig;
import org.sagent.agent.control.ControlServer;
import org.sagent.agent.core.WitnessQuorum;
import org.sagent.agent.health.CommandRunner;
import org.sagent.agent.health.HealthCheck;
import org.sagent.agent.health.HealthChecks;
import org.sagent.agent.health.HealthMonitor;
import org.sagent.agent.isolation.IsolationCoordinator;
import org.sagent.agent.isolation.WitnessWatch;
import org.sagent.agent.membership.MembershipChannel;
import org.sagent.agent.membership.ClusterSecret;
import org.sagent.agent.membership.Freshness;
import org.sagent.agent.metrics.AgentMetrics;
import org.sagent.agent.metrics.MetricsScope;
import org.sagent.agent.systemd.SystemdNotifier;
import org.sagent.agent.systemd.WatchdogPinger;
import org.sagent.agent.time.MonotonicClock;
import org.sagent.netlink.route.DeleteResult;
import org.sagent.netlink.route.Link;
import org.sagent.netlink.route.NetlinkEvent;
import org.sagent.netlink.route.NetlinkEventListener;
import org.sagent.netlink.route.NetlinkEventMonitor;
import org.sagent.netlink.route.RtNetlink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the agent's parts, starts them in order and stops them in reverse. Every decision is
 * taken on one thread ({@link AgentLoop}): the watchers post {@link AgentEvent}s there, the
 * {@link EventRouter} hands them to the node controller and the isolation coordinator, and a
 * timed turn ({@link TurnTimer}) comes when time alone changes something, at least once a
 * second: it publishes this node's state and heals whatever an event missed.
 */
public final class Agent {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final Duration HANDOVER_WAIT = Duration.ofSeconds(3);
    private static final Duration STOP_ASK_WAIT = Duration.ofSeconds(5);
    /** Present at stop time: keep the addresses in place (an upgrade's restart), do not hand over. */
    public static final String KEEP_ADDRESSES_MARKER = "keep-addresses";
    /** In the state directory: the node stays disabled across agent restarts until enabled. */
    public static final String DISABLED_FLAG = ControlCommands.DISABLED_FLAG;

    private final SagentConfig config;
    private final NodeSpec self;
    /** For what people read or what is written down: a record's date, the incarnation, a pin. */
    private final Clock wallClock;
    /** For every interval the agent measures: NTP or {@code date -s} must not move a deadline. */
    private final MonotonicClock clock;
    private final Path runtimeDirectory;
    private final Path stateDirectory;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicReference<String> stopReason = new AtomicReference<>();
    private final SystemdNotifier notifier = SystemdNotifier.fromEnvironment();
    private final AgentLoop loop = new AgentLoop();
    /** Publishing may block on a dead peer's TCP connection: never on the loop thread. */
    private final ExecutorService publisher = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "state-publisher");
        thread.setDaemon(true);
        return thread;
    });
    private EventRouter router;
    private HealthChecks checks;
    private HealthMonitor health;
    private AddressReconciler addresses;
    private NodeController controller;
    private IsolationCoordinator isolation;
    private MembershipChannel membership;
    private MembershipChannel lanMembership;
    private NetlinkEventMonitor kernelEvents;
    private AgentMetrics metrics;
    private ControlServer controlServer;
    private WitnessWatch witnessWatch;
    private ConflictWatch conflictWatch;
    private ConnectionTracker connectionTracker;
    /** Read by the netlink events' thread. */
    private volatile ReplicationCarrierWatch carrierWatch;
    private PeerCheck peerCheck;
    private PauseDetector pauseDetector;
    private Optional<WatchdogPinger> watchdog = Optional.empty();

    public Agent(SagentConfig config, NodeSpec self, Clock wallClock, MonotonicClock clock, Path runtimeDirectory,
                 Path stateDirectory) {
        this.config = config;
        this.self = self;
        this.wallClock = wallClock;
        this.clock = clock;
        this.runtimeDirectory = runtimeDirectory;
        this.stateDirectory = stateDirectory;
    }

    /** The control socket's path under a runtime directory. */
    public static Path controlSocket(Path runtimeDirectory) {
        return runtimeDirectory.resolve("sagent.sock");
    }

    /** Posts an event to the loop; any thread. */
    private void post(AgentEvent event) {
        loop.post(() -> router.handle(event));
    }

    public void start() throws Exception {
        logConfiguration();
        Consumer<AgentEvent> events = this::post;
        metrics = new AgentMetrics(MetricsScope.of(config), BuildVersion.version(),
                () -> loop.tryAsk(() -> router.report(), Duration.ofSeconds(1)), clock);
        OwnInterfaces.awaitAddresses(self);
        addresses = new AddressReconciler(config.publicAddresses(), config.announce(), config.probe(), clock);
        addresses.onAnnounced((address, frames) -> metrics.announced(address, frames));
        ClusterSecret secret = ClusterSecret.fromFile(config.cluster().secretFile());
        Freshness freshness = Freshness.forThisRun();
        // Stamped on arrival, on the monotonic clock: a peer's state ages from then.
        membership = MembershipChannel.replication(config.cluster(), config.failover(), config.nodes(), self, secret,
                freshness, e -> post(new AgentEvent.Membership(e, clock.now())), wallClock);
        lanMembership = MembershipChannel.lan(config.cluster(), config.failover(), config.nodes(), self, secret,
                freshness, e -> post(new AgentEvent.Membership(e, clock.now())), wallClock);
        controller = new NodeController(ControllerSettings.of(config), self.name(), wallClock, clock, addresses,
                state -> publisher.execute(() -> {
                    membership.publish(state);
                    lanMembership.publish(state);
                }), metrics);
        startIsolation(events);
        checks = new HealthChecks(config.health(), config.publicAddresses().stream()
                .map(PublicAddressSpec::interfaceName).collect(Collectors.toCollection(java.util.LinkedHashSet::new)),
                self.name(), new CommandRunner(), name -> {
            HealthMonitor monitor = health;
            if (monitor != null) {
                monitor.runNow(name);
            }
        });
        HealthSettings settings = config.health();
        health = new HealthMonitor(checks.checks(), settings.interval(), settings.timeout(), settings.rise(),
                settings.fall(), clock, view -> post(new AgentEvent.Health(view)));
        OwnInterfaces own = OwnInterfaces.find(self);
        peerCheck = own.replicationInterface().map(name -> peerCheck(own.lanLink().orElseThrow(), events)).orElse(null);
        carrierWatch = own.replicationInterface().map(name -> new ReplicationCarrierWatch(name,
                config.failover().carrierPollInterval(), peerCheck::start, events)).orElse(null);
        router = new EventRouter(controller, isolation, config.isolation().enabled(), notifier,
                own.replicationInterface().orElse(null), () -> carrierWatch == null || carrierWatch.up());
        startWitnessWatch(own.lanLink(), events);
        kernelEvents = NetlinkEventMonitor.start(kernelEvents());
        checks.start();
        health.start();
        if (Files.exists(stateDirectory.resolve(DISABLED_FLAG))) {
            log.info("this node stays disabled ({} exists): sagent enable lets it hold addresses again",
                    stateDirectory.resolve(DISABLED_FLAG));
            loop.await(() -> {
                controller.setDisabled(true);
                return null;
            }, STOP_ASK_WAIT);
        }
        ControlCommands commands = new ControlCommands(loop, controller, isolation, router, stateDirectory, wallClock,
                config.isolation().handlerDeadline());
        controlServer = new ControlServer(controlSocket(runtimeDirectory), commands::answer);
        metrics.healthChecks(checks.checks().stream().map(HealthCheck::name).toList());
        serveMetrics();
        conflictWatch = ConflictWatch.start(config.publicAddresses(), controller::clusterMacs, addresses, metrics);
        connectionTracker = ConnectionTracker.start(config.publicAddresses(), config.connections(), events);
        if (carrierWatch != null) {
            carrierWatch.start();
        }
        // Before the join, which can take seconds: a node already serving while its LAN path still
        // joins must notice a freeze too (seen in CI: frozen then, it kept a duplicate until the merge).
        pauseDetector = new PauseDetector(config.failover().failureTimeout(), loop, events).start();
        joinGroups();
        watchdog = WatchdogPinger.fromEnvironment(notifier, clock);
        // Events turn the loop as they come; the timed turn comes when the parts ask for it.
        TurnTimer turns = new TurnTimer(loop::later, System::nanoTime, () -> {
            watchdog.ifPresent(WatchdogPinger::alive);
            router.turn();
        }, router::nextTurnWithin);
        loop.afterEveryTask(turns::bringForward);
        loop.post(turns::start);

        notifier.ready("STARTING: joined cluster " + config.cluster().name() + ", running " + checks.checks().size()
                + " health checks");
        log.info("running as {}: joined cluster {}; {} health checks; no new address until the start-up gate opens",
                self.name(), config.cluster().name(), checks.checks().size());
    }

    /** The ARP round after the replication carrier goes: the peers asked, the public addresses on the LAN probed. */
    private PeerCheck peerCheck(Link lanLink, Consumer<AgentEvent> events) {
        PeerCheck.Timing timing = PeerCheck.Timing.of(config.probe(), config.failover().peerCheckTimeout());
        return new PeerCheck(lanLink, (Inet4Address) self.lanAddress(), peersOnTheLan(),
                PeerCheck.onTheLan(config.publicAddresses(), lanLink), timing, clock, events);
    }

    /** The other nodes' IPv4 LAN addresses, in configuration order: the peers asked when the cable goes. */
    private Map<String, Inet4Address> peersOnTheLan() {
        Map<String, Inet4Address> peers = new LinkedHashMap<>();
        for (NodeSpec node : config.nodes()) {
            if (!node.equals(self) && node.lanAddress() instanceof Inet4Address lan) {
                peers.put(node.name(), lan);
            }
        }
        return peers;
    }

    /**
     * Kernel address events that concern the public addresses (or a resynchronisation) become a
     * turn; the replication interface's carrier events go to the carrier watch.
     */
    private NetlinkEventListener kernelEvents() {
        Set<String> publicAddresses = config.publicAddresses().stream()
                .map(a -> AddressReconciler.key(a.address().address())).collect(Collectors.toSet());
        return event -> {
            ReplicationCarrierWatch carrier = carrierWatch;
            if (carrier != null && event instanceof NetlinkEvent.CarrierLost lost
                    && lost.link().name().equals(carrier.interfaceName())) {
                carrier.linkEvent(false);
            } else if (carrier != null && event instanceof NetlinkEvent.CarrierRegained regained
                    && regained.link().name().equals(carrier.interfaceName())) {
                carrier.linkEvent(true);
            }
            if ((event instanceof NetlinkEvent.AddressRemoved r
                    && publicAddresses.contains(AddressReconciler.key(r.address().address())))
                    || (event instanceof NetlinkEvent.AddressAdded a
                    && publicAddresses.contains(AddressReconciler.key(a.address().address())))
                    || event instanceof NetlinkEvent.Resynchronised) {
                post(new AgentEvent.AddressesChanged());
            }
        };
    }

    private void serveMetrics() {
        Optional<InetSocketAddress> endpoint = config.metrics().endpointOf(self);
        if (endpoint.isEmpty()) {
            return;
        }
        InetSocketAddress listen = endpoint.get();
        String where = config.metrics().listen().orElseThrow() instanceof MetricsSettings.Listen.OwnLanAddress
                ? " (this node's lan-address)" : "";
        String host = listen.getAddress().isAnyLocalAddress() ? "*" : listen.getAddress() instanceof Inet6Address
                ? "[" + listen.getAddress().getHostAddress() + "]" : listen.getAddress().getHostAddress();
        try {
            metrics.serve(listen);
            log.info("metrics: http://{}:{}/metrics{}", host, metrics.port(), where);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot serve metrics on " + host + ":" + listen.getPort() + where + ": "
                    + e.getMessage() + "; set metrics.listen in " + config.file() + " to a free port, or to off", e);
        }
    }

    /** Both groups join at once: each may wait its join timeout when the peer is down. */
    private void joinGroups() throws Exception {
        CompletableFuture<Void> lanJoined = CompletableFuture.runAsync(() -> {
            try {
                lanMembership.connect(config.cluster().name());
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        membership.connect(config.cluster().name());
        try {
            lanJoined.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not join the LAN path: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Spec 7: the arbitration when the replication link is lost. A fence record left by a
     * stand-down before this start keeps the node from serving until it is resynced.
     */
    private void startIsolation(Consumer<AgentEvent> events) {
        IsolationSettings settings = config.isolation();
        StandDownLauncher standDowns = new StandDownLauncher(settings.action(),
                config.health().samba().flatMap(HealthSettings.Samba::unit), stateDirectory, loop,
                new StandDownLauncher.LoopQuestions() {
                    @Override
                    public int held() {
                        return controller.held().size();
                    }

                    @Override
                    public boolean acknowledged() {
                        return isolation.acknowledgedByPeer();
                    }
                }, events);
        DrbdConnections drbd = new DrbdConnections(config.health().drbd().map(HealthSettings.Drbd::resources)
                .orElse(List.of()), new CommandRunner());
        isolation = new IsolationCoordinator(settings, config.nodes(), self, config.file(), wallClock,
                () -> clock.now().nanos(), stateDirectory, new IsolationCoordinator.NodeActions() {
                    @Override
                    public boolean okAtCut() {
                        return controller.okAtCut();
                    }

                    @Override
                    public void standDown(String winner, String reason) {
                        standDowns.launch(winner, reason, isolation.resource());
                    }

                    @Override
                    public void publishNow() {
                        controller.publishNow();
                    }

                    @Override
                    public void urgentRounds(boolean on) {
                        if (witnessWatch != null) {
                            witnessWatch.urgent(on);
                        }
                    }

                    @Override
                    public void disconnectDrbd(String why) {
                        drbd.disconnect(why);
                    }

                    @Override
                    public void reconnectDrbd(String why) {
                        drbd.connect(why);
                    }
                }, metrics);
        controller.isolationClaims(isolation::claim);
        controller.onFenceCleared(isolation::fenceCleared);
        isolation.ownRecord().ifPresent(record -> {
            log.warn("isolation: this node {}: it stays STARTING and holds nothing until DRBD is resynced, "
                    + "connected and every check passes", record.describe());
            controller.fence("this node " + record.describe(), true);
        });
    }

    /** Pings the witnesses (and, during an arbitration, asks the peers by ARP) on the LAN interface. */
    private void startWitnessWatch(Optional<Link> lanLink, Consumer<AgentEvent> events) {
        IsolationSettings settings = config.isolation();
        if (!settings.enabled()) {
            return;
        }
        if (lanLink.isEmpty() || !(self.lanAddress() instanceof Inet4Address source)) {
            log.error("isolation: the LAN address {} is not an IPv4 address on an interface of this node: no witness "
                    + "can be asked, so this node can never win an arbitration", self.lanAddress().getHostAddress());
            return;
        }
        witnessWatch = new WitnessWatch(lanLink.get(), source, settings.witnesses(), new java.util.TreeMap<>(
                peersOnTheLan()), settings.witnessTimeout(), settings.witnessInterval(), () -> clock.now().nanos(),
                round -> events.accept(new AgentEvent.WitnessRound(round))).start();
        log.info("isolation: witnesses {} on {} ({} must answer), tie-break {}, action {}, handler deadline {}",
                settings.witnesses().stream().map(Inet4Address::getHostAddress).toList(), lanLink.get().name(),
                WitnessQuorum.needed(settings.witnesses().size()),
                settings.tieBreakText(), settings.action().name().toLowerCase().replace('_', '-'),
                DurationText.format(settings.handlerDeadline()));
    }

    private void logConfiguration() {
        log.info("starting: cluster {} port {}, {} nodes, {} public addresses, config {}", config.cluster().name(),
                config.cluster().port(), config.nodes().size(), config.publicAddresses().size(), config.file());
        for (NodeSpec node : config.nodes()) {
            log.info("node {} #{}: replication {}, LAN {}{}", node.name(), node.number(),
                    node.replicationAddress().getHostAddress(), node.lanAddress().getHostAddress(),
                    node.equals(self) ? " (this node)" : "");
        }
        for (PublicAddressSpec address : config.publicAddresses()) {
            log.info("public address {} on {}, home {}", address.address(), address.interfaceName(), address.home());
        }
        log.info("failover: heartbeat {}, failure timeout {}, failback {} after {}",
                DurationText.format(config.failover().heartbeatInterval()),
                DurationText.format(config.failover().failureTimeout()),
                config.failover().failback().name().toLowerCase(),
                DurationText.format(config.failover().failbackDelay()));
        HealthSettings health = config.health();
        log.info("health: every {}, timeout {}, rise {}, fall {}", DurationText.format(health.interval()),
                DurationText.format(health.timeout()), health.rise(), health.fall());
    }

    /** Asks the agent to stop; safe from any thread, including a signal handler. */
    public void requestStop(String why) {
        if (stopReason.compareAndSet(null, why)) {
            stopRequested.countDown();
        }
    }

    /** Blocks until someone asks the agent to stop; returns why. */
    public String awaitStopRequest() throws InterruptedException {
        stopRequested.await();
        return stopReason.get();
    }

    /**
     * Stops in order. Normally hands every address over first (release, publish, the others
     * take them) and leaves the view; with the keep-addresses marker (an upgrade's restart) it
     * leaves the addresses in place for the next agent to adopt.
     */
    public void stop(String why) throws Exception {
        Path marker = runtimeDirectory.resolve(KEEP_ADDRESSES_MARKER);
        boolean keep = Files.deleteIfExists(marker);
        log.info("stopping: {}{}", why, keep ? "; keeping the addresses in place for the next agent (" + marker + ")"
                : "; handing the addresses over");
        notifier.stopping("stopping: " + why);
        boolean released = keep || controller == null || handOver();
        // The watchers stop before the loop does: nothing they would post is wanted any more.
        closeQuietly(pauseDetector);
        closeQuietly(carrierWatch);
        closeQuietly(peerCheck);
        boolean loopEnded = loop.stop(Duration.ofSeconds(2));
        if (!released && loopEnded) {
            controller.releaseRemaining(); // the loop has stopped: nothing else touches the controller now
        } else if (!released) {
            removePublicAddressesDirectly(); // the loop is stuck in a call: leave its objects alone
        }
        closeQuietly(connectionTracker);
        publisher.shutdown();
        publisher.awaitTermination(1, TimeUnit.SECONDS);
        watchdog.ifPresent(WatchdogPinger::close);
        closeQuietly(controlServer);
        closeQuietly(metrics);
        closeQuietly(conflictWatch);
        closeQuietly(witnessWatch);
        closeQuietly(membership);
        closeQuietly(lanMembership);
        closeQuietly(health);
        closeQuietly(checks);
        closeQuietly(kernelEvents);
        closeQuietly(addresses);
    }

    /** Drains this node and waits (bounded) until the others hold its addresses; false if the loop did not answer. */
    private boolean handOver() throws Exception {
        try {
            loop.await(() -> {
                controller.startDraining();
                return null;
            }, STOP_ASK_WAIT);
            long deadline = System.nanoTime() + HANDOVER_WAIT.toNanos();
            while (System.nanoTime() < deadline && !loop.await(controller::handedOver, STOP_ASK_WAIT)) {
                Thread.sleep(20);
            }
            loop.await(() -> {
                controller.releaseRemaining();
                return null;
            }, STOP_ASK_WAIT);
            return true;
        } catch (TimeoutException e) {
            // A stop during a slow start (systemd's start timeout) or an overloaded machine.
            log.warn("stopping: the agent's loop did not answer within 5 s; releasing the addresses without "
                    + "waiting for a hand-over");
            return false;
        }
    }

    /** Last resort when stopping with a stuck loop: deletes the public addresses through a socket of its own. */
    private void removePublicAddressesDirectly() {
        try (RtNetlink rt = RtNetlink.open()) {
            for (PublicAddressSpec spec : config.publicAddresses()) {
                rt.link(spec.interfaceName()).ifPresent(link -> {
                    if (rt.deleteAddress(link, spec.address().address(), spec.address().prefixLength())
                            instanceof DeleteResult.Deleted) {
                        log.warn("released {} on {}: stopping with a stuck agent loop, no hand-over",
                                spec.address(), spec.interfaceName());
                    }
                });
            }
        } catch (RuntimeException e) {
            log.warn("while stopping: could not remove the public addresses: {}", e.toString());
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("while stopping: {}", e.toString());
        }
    }
}
