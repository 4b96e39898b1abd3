package org.sagent.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.sagent.agent.addresses.AddressReconciler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sagent.agent.cluster.NodeController;
import org.sagent.agent.control.ControlServer;
import org.sagent.agent.config.DurationText;
import org.sagent.agent.config.HealthSettings;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.config.SagentConfig;
import org.sagent.agent.health.CommandRunner;
import org.sagent.agent.health.HealthChecks;
import org.sagent.agent.health.HealthMonitor;
import org.sagent.agent.health.HealthView;
import org.sagent.agent.membership.MembershipChannel;
import org.sagent.agent.membership.MessageSigner;
import org.sagent.agent.systemd.SystemdNotifier;
import org.sagent.agent.systemd.WatchdogPinger;
import org.sagent.netlink.packet.ArpChannel;
import org.sagent.netlink.packet.Liveness;
import org.sagent.netlink.route.InterfaceAddress;
import org.sagent.netlink.route.Link;
import org.sagent.netlink.route.NetlinkEvent;
import org.sagent.netlink.route.RtNetlink;
import org.sagent.netlink.route.NetlinkEventMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the agent's parts together and runs them until stopped. Every decision is taken on
 * one thread, {@code agent-loop}: health views, membership events and kernel address events
 * are queued there, and a turn every 200 ms heals whatever an event missed.
 */
public final class Agent {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final Duration TURN = Duration.ofMillis(200);
    private static final Duration HANDOVER_WAIT = Duration.ofSeconds(3);
    private static final Duration ADDRESS_WAIT = Duration.ofSeconds(30);
    /** Present at stop time: keep the addresses in place (an upgrade's restart), do not hand over. */
    public static final String KEEP_ADDRESSES_MARKER = "keep-addresses";

    private final SagentConfig config;
    private final NodeSpec self;
    private final Clock clock;
    private final Path runtimeDirectory;
    private final Path stateDirectory;
    /** In the state directory: the node stays disabled across agent restarts until enabled. */
    public static final String DISABLED_FLAG = "disabled";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private volatile HealthView lastHealth;
    private volatile boolean replicationUp = true;
    private ControlServer controlServer;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicReference<String> stopReason = new AtomicReference<>();
    private final SystemdNotifier notifier = SystemdNotifier.fromEnvironment();
    private HealthChecks checks;
    private HealthMonitor health;
    private AddressReconciler addresses;
    private NodeController controller;
    private MembershipChannel membership;
    private MembershipChannel lanMembership;
    private NetlinkEventMonitor addressEvents;
    private Optional<WatchdogPinger> watchdog = Optional.empty();
    private String replicationInterface;
    private Link lanLink;
    private final java.util.concurrent.ExecutorService publisher = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "state-publisher");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread pauseDetector = new Thread(this::detectPauses, "pause-detector");
    /** A loop task busy this long gets a warning with its stack: everything else waits for it. */
    private final LoopStallWatch loopStalls = new LoopStallWatch(Duration.ofSeconds(2));
    /** The agent's event loop: its decisions, in order, on one thread; every task timed by {@link #loopStalls}. */
    private final ScheduledExecutorService loop = loopStalls.newLoop("agent-loop");
    private final ScheduledExecutorService connectionTracker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "connection-tracker");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running = true;
    private final java.util.concurrent.ExecutorService peerCheck = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "peer-check");
        thread.setDaemon(true);
        return thread;
    });
    private org.sagent.agent.metrics.AgentMetrics metrics;
    private org.sagent.agent.isolation.IsolationCoordinator isolation;
    private org.sagent.agent.isolation.WitnessWatch witnessWatch;
    private final java.util.List<org.sagent.netlink.packet.ArpConflictWatcher> conflictWatchers =
            new java.util.ArrayList<>();
    private String lastStatus = "";
    private boolean gateReported;

    public Agent(SagentConfig config, NodeSpec self, Clock clock, Path runtimeDirectory, Path stateDirectory) {
        this.config = config;
        this.self = self;
        this.clock = clock;
        this.runtimeDirectory = runtimeDirectory;
        this.stateDirectory = stateDirectory;
    }

    /** The control socket's path under a runtime directory. */
    public static Path controlSocket(Path runtimeDirectory) {
        return runtimeDirectory.resolve("sagent.sock");
    }

    private JsonNode control(JsonNode request) {
        String command = request.path("command").asText();
        long wait = ControlServer.answerWait(request).toMillis();
        try {
            return switch (command) {
                case "status" -> loop.submit(() -> {
                    ObjectNode reply = ControlServer.ok();
                    reply.set("status", JSON.valueToTree(report()));
                    return (JsonNode) reply;
                }).get(wait, TimeUnit.MILLISECONDS);
                case "move-ip" -> {
                    String address = request.path("address").asText("");
                    String node = request.path("node").asText("");
                    Optional<String> refused = loop.submit(() -> controller.moveIp(address, node))
                            .get(wait, TimeUnit.MILLISECONDS);
                    yield refused.map(ControlServer::error).orElseGet(ControlServer::ok);
                }
                case "disable", "enable" -> {
                    boolean disable = command.equals("disable");
                    Path flag = stateDirectory.resolve(DISABLED_FLAG);
                    if (disable) {
                        Files.createDirectories(stateDirectory);
                        Files.writeString(flag, "disabled by sagent disable at " + clock.instant() + "\n");
                    } else {
                        Files.deleteIfExists(flag);
                    }
                    loop.submit(() -> controller.setDisabled(disable)).get(wait, TimeUnit.MILLISECONDS);
                    yield ControlServer.ok().put("disabled", disable);
                }
                case "fence-peer" -> {
                    String resource = request.path("resource").asText("");
                    boolean gaveUp = request.path("gave-up").asBoolean(false);
                    org.sagent.agent.isolation.IsolationCoordinator.Answer answer = loop.submit(
                            () -> isolation.fencePeer(resource, gaveUp)).get(wait, TimeUnit.MILLISECONDS);
                    yield ControlServer.ok().put("outcome", answer.outcome().name().toLowerCase())
                            .put("exit", answer.exitCode()).put("message", answer.message())
                            .put("deadline-ms", config.isolation().handlerDeadline().toMillis());
                }
                case "unfence" -> {
                    String handler = request.path("handler").asText("unfence-peer");
                    String resource = request.path("resource").asText("");
                    loop.submit(() -> isolation.unfence(handler, resource)).get(wait, TimeUnit.MILLISECONDS);
                    yield ControlServer.ok();
                }
                default -> ControlServer.error("unknown command '" + command + "'; known: status, disable, enable, "
                        + "move-ip, fence-peer, unfence");
            };
        } catch (java.io.IOException e) {
            return ControlServer.error("cannot record the change in " + stateDirectory + ": " + e.getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            return ControlServer.error("the agent's event loop did not answer within " + wait + " ms: it is busy (a "
                    + "loaded machine, a slow probe) or stuck (the journal says which); ask again with a longer --timeout");
        } catch (Exception e) {
            return ControlServer.error("the agent could not answer: " + e);
        }
    }

    /** The status report; on the loop thread only. */
    private org.sagent.agent.control.StatusReport report() {
        org.sagent.agent.control.StatusReport r = controller.report(lastHealth, replicationInterface, replicationUp,
                lanMembership != null);
        return !config.isolation().enabled() ? r : new org.sagent.agent.control.StatusReport(r.node(), r.cluster(),
                r.nodes(), r.addresses(), r.checks(), r.replication(), r.failovers(), isolation.report());
    }

    /** The status report for a metrics scrape, from any thread; empty when the loop is too busy to answer. */
    private Optional<org.sagent.agent.control.StatusReport> reportForMetrics() {
        java.util.concurrent.Future<org.sagent.agent.control.StatusReport> future = null;
        try {
            future = loop.submit(this::report);
            return Optional.of(future.get(1, TimeUnit.SECONDS));
        } catch (Exception e) {
            if (future != null) {
                future.cancel(false); // not left queued on a loop that is already behind
            }
            return Optional.empty();
        }
    }

    public void start() throws Exception {
        logConfiguration();
        metrics = new org.sagent.agent.metrics.AgentMetrics(config,
                org.sagent.agent.cli.VersionCommand.version(), this::reportForMetrics);
        awaitOwnAddresses();
        addresses = new AddressReconciler(config, clock);
        addresses.onAnnounced((address, frames) -> metrics.announced(address, frames));
        java.util.function.Consumer<org.sagent.agent.membership.MembershipEvent> events = event -> onLoop(() -> {
            controller.onMembership(event);
            isolation.onMembership(event);
        });
        membership = MembershipChannel.replication(config, self, events, clock);
        if (config.cluster().lanPath()) {
            lanMembership = MembershipChannel.lan(config, self,
                    MessageSigner.fromFile(config.cluster().secretFile().orElseThrow()), events, clock);
        } else {
            log.warn("no cluster.secret-file: the LAN path between the agents is off (the replication link is the "
                    + "only one); see README, Configuration");
        }
        // Publishing may block on a dead peer's TCP connection: never on the loop thread.
        controller = new NodeController(config, self, clock, addresses, state -> publisher.execute(() -> {
            membership.publish(state);
            if (lanMembership != null) {
                lanMembership.publish(state);
            }
        }), metrics);
        startIsolation();
        checks = new HealthChecks(config, self, new CommandRunner(), name -> {
            HealthMonitor monitor = health;
            if (monitor != null) {
                monitor.runNow(name);
            }
        });
        HealthSettings settings = config.health();
        health = new HealthMonitor(checks.checks(), settings.interval(), settings.timeout(), settings.rise(),
                settings.fall(), clock, view -> onLoop(() -> onHealth(view)));
        Set<String> publicAddresses = config.publicAddresses().stream()
                .map(a -> AddressReconciler.key(a.address().address())).collect(Collectors.toSet());
        findOwnInterfaces();
        startWitnessWatch();
        addressEvents = NetlinkEventMonitor.start(event -> {
            if ((event instanceof NetlinkEvent.AddressRemoved r
                    && publicAddresses.contains(AddressReconciler.key(r.address().address())))
                    || (event instanceof NetlinkEvent.AddressAdded a
                    && publicAddresses.contains(AddressReconciler.key(a.address().address())))
                    || event instanceof NetlinkEvent.Resynchronised) {
                onLoop(controller::turn);
            }
        });
        checks.start();
        health.start();
        if (Files.exists(stateDirectory.resolve(DISABLED_FLAG))) {
            log.info("this node stays disabled ({} exists): sagent enable lets it hold addresses again",
                    stateDirectory.resolve(DISABLED_FLAG));
            loop.submit(() -> controller.setDisabled(true)).get(5, TimeUnit.SECONDS);
        }
        controlServer = new ControlServer(controlSocket(runtimeDirectory), this::control);
        metrics.healthChecks(checks.checks().stream().map(org.sagent.agent.health.HealthCheck::name).toList());
        if (config.metrics().listen().isPresent()) {
            java.net.InetSocketAddress listen = config.metrics().listen().get();
            try {
                metrics.serve(listen);
                log.info("metrics: http://{}:{}/metrics", listen.getAddress().isAnyLocalAddress() ? "*"
                        : listen.getAddress().getHostAddress(), metrics.port());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot serve metrics on " + listen + ": " + e.getMessage()
                        + "; set metrics.listen in " + config.file() + " to a free port, or to off", e);
            }
        }
        watchForConflicts();
        startConnectionTracking();
        startCarrierWatch();
        // Both groups join at once: each may wait its join timeout when the peer is down.
        java.util.concurrent.CompletableFuture<Void> lanJoined = lanMembership == null
                ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        lanMembership.connect(config.cluster().name());
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
        membership.connect(config.cluster().name());
        try {
            lanJoined.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("could not join the LAN path: " + e.getCause(), e.getCause());
        }
        watchdog = WatchdogPinger.fromEnvironment(notifier, clock);
        loop.scheduleWithFixedDelay(() -> {
            watchdog.ifPresent(WatchdogPinger::alive);
            safely(controller::turn);
            safely(isolation::turn);
        }, 0, TURN.toMillis(), TimeUnit.MILLISECONDS);
        pauseDetector.setDaemon(true);
        pauseDetector.start();

        notifier.ready("STARTING: joined cluster " + config.cluster().name() + ", running " + checks.checks().size()
                + " health checks");
        log.info("running as {}: joined cluster {}; {} health checks; no new address until the start-up gate opens",
                self.name(), config.cluster().name(), checks.checks().size());
    }

    /**
     * Sleeps 100 ms at a time and notices when it overslept by more than the failure timeout:
     * the whole process was stopped (SIGSTOP, a paused VM), which the peers took for a death.
     */
    private void detectPauses() {
        long limit = config.failover().failureTimeout().toNanos();
        long last = System.nanoTime();
        while (running) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long gap = now - last;
            last = now;
            if (gap > limit) {
                Duration frozen = Duration.ofNanos(gap);
                onLoop(() -> controller.thawed(frozen));
            }
            Thread held = loopStalls.loopThread();
            loopStalls.overdue(now).ifPresent(busy -> log.warn("the event loop has been busy {} ms with one task "
                    + "(peers' states, releases and status requests wait meanwhile); it is at: {}", busy.toMillis(),
                    held == null ? "?" : LoopStallWatch.where(held.getStackTrace())));
        }
    }

    /**
     * Spec 7: the arbitration when the replication link is lost. A fence record left by a
     * stand-down before this start keeps the node from serving until it is resynced.
     */
    private void startIsolation() throws Exception {
        isolation = new org.sagent.agent.isolation.IsolationCoordinator(config, self, clock, stateDirectory,
                controller::ok, this::standDown, controller::publishNow, metrics::fenceDecision, metrics::ioFrozen,
                on -> {
                    if (witnessWatch != null) {
                        witnessWatch.urgent(on);
                    }
                });
        controller.isolationClaims(isolation::claim);
        controller.onFenceCleared(isolation::fenceCleared);
        isolation.ownRecord().ifPresent(record -> {
            log.warn("isolation: this node {}: it stays STARTING and holds nothing until DRBD is resynced, "
                    + "connected and every check passes", record.describe());
            controller.fence("this node " + record.describe(), true);
        });
    }

    /** Asks the witnesses (and, during an arbitration, the peers) by ARP on the LAN interface. */
    private void startWitnessWatch() {
        if (!config.isolation().enabled()) {
            return;
        }
        if (lanLink == null || !(self.lanAddress() instanceof java.net.Inet4Address source)) {
            log.error("isolation: the LAN address {} is not an IPv4 address on an interface of this node: no witness "
                    + "can be asked, so this node can never win an arbitration", self.lanAddress().getHostAddress());
            return;
        }
        java.util.Map<String, java.net.Inet4Address> peers = new java.util.TreeMap<>();
        config.nodes().stream().filter(n -> !n.equals(self) && n.lanAddress() instanceof java.net.Inet4Address)
                .forEach(n -> peers.put(n.name(), (java.net.Inet4Address) n.lanAddress()));
        witnessWatch = new org.sagent.agent.isolation.WitnessWatch(lanLink, source, config.isolation().witnesses(),
                peers, config.isolation().witnessTimeout(), config.isolation().witnessInterval(),
                round -> onLoop(() -> isolation.witnessRound(round))).start();
        log.info("isolation: witnesses {} on {}, tie-break {}, action {}, handler deadline {}",
                config.isolation().witnesses().stream().map(java.net.Inet4Address::getHostAddress).toList(),
                lanLink.name(), config.isolation().tieBreakText(),
                config.isolation().action().name().toLowerCase().replace('_', '-'),
                DurationText.format(config.isolation().handlerDeadline()));
    }

    /** Starts the loser's stand-down on a thread of its own (it waits; the loop must not). */
    private void standDown(String winner, String reason) {
        String resource = isolation.resource(); // on the loop: the coordinator is the loop's
        CommandRunner runner = new CommandRunner();
        org.sagent.agent.isolation.StandDown.Steps steps = new org.sagent.agent.isolation.StandDown.Steps() {
            @Override
            public void fence(String why) {
                onLoop(() -> controller.fence(why, false));
            }

            @Override
            public int held() {
                try {
                    return loop.submit(() -> controller.held().size()).get(2, TimeUnit.SECONDS);
                } catch (Exception e) {
                    return -1;
                }
            }

            @Override
            public void stoodDown(String why) {
                onLoop(() -> isolation.stoodDown(why));
            }

            @Override
            public boolean acknowledged() {
                try {
                    return loop.submit(isolation::acknowledgedByPeer).get(2, TimeUnit.SECONDS);
                } catch (Exception e) {
                    return false;
                }
            }

            @Override
            public CommandRunner.Result run(List<String> command, Duration timeout) {
                return runner.run(command, timeout);
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                Thread.sleep(duration.toMillis());
            }

            @Override
            public void reboot() throws java.io.IOException {
                // The kernel's immediate reset (no sync: it would hang on the frozen device).
                Files.writeString(Path.of("/proc/sysrq-trigger"), "b");
            }
        };
        org.sagent.agent.isolation.StandDown sequence = new org.sagent.agent.isolation.StandDown(steps,
                config.isolation().action(), config.health().samba().flatMap(HealthSettings.Samba::unit),
                stateDirectory.resolve(org.sagent.agent.isolation.FenceRecord.OWN));
        Thread thread = new Thread(() -> {
            try {
                sequence.run(winner, reason, resource);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("isolation: the stand-down failed: {}", e.toString(), e);
            }
        }, "stand-down");
        thread.setDaemon(true);
        thread.start();
    }

    private void startCarrierWatch() {
        if (replicationInterface != null) {
            Thread carrierWatch = new Thread(this::watchReplicationCarrier, "replication-carrier");
            carrierWatch.setDaemon(true);
            carrierWatch.start();
        }
    }

    /**
     * Reads the replication interface's carrier from sysfs every carrier-poll-interval (50 ms). The netlink event for a
     * lost carrier comes late: the kernel's linkwatch batches carrier changes up to a second,
     * while the sysfs attribute changes the moment the cable does.
     */
    private void watchReplicationCarrier() {
        Path carrier = Path.of("/sys/class/net", replicationInterface, "carrier");
        boolean up = true;
        while (running) {
            boolean now;
            try {
                now = Files.readString(carrier).strip().equals("1");
            } catch (java.io.IOException e) {
                now = false; // an interface that is down reads as an error (EINVAL)
            }
            replicationUp = now;
            if (up != now) {
                boolean hasCarrier = now;
                onLoop(() -> isolation.replicationCarrier(hasCarrier));
            }
            if (up && !now) {
                peerCheck.execute(this::askPeersOverTheLan);
            } else if (!up && now) {
                onLoop(controller::replicationCarrierBack);
            }
            up = now;
            try {
                Thread.sleep(config.failover().carrierPollInterval().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * At boot the agent may start before its interfaces are up: wait (bounded) until the
     * replication and LAN addresses sit on interfaces that are up, so the groups can bind.
     */
    private void awaitOwnAddresses() throws InterruptedException {
        long deadline = System.nanoTime() + ADDRESS_WAIT.toNanos();
        boolean logged = false;
        while (true) {
            try (RtNetlink rt = RtNetlink.open()) {
                java.util.Map<Integer, Link> links = new java.util.HashMap<>();
                rt.links().forEach(l -> links.put(l.index(), l));
                boolean replication = false;
                boolean lan = false;
                for (InterfaceAddress a : rt.addresses()) {
                    Link link = links.get(a.interfaceIndex());
                    // IFF_RUNNING, not just the carrier bit: the JDK (and so JGroups) binds only to
                    // running interfaces, and the kernel sets it up to a second after the carrier.
                    boolean up = link != null && link.isUp() && (link.flags() & Link.IFF_RUNNING) != 0;
                    replication |= up && a.address().equals(self.replicationAddress());
                    lan |= up && a.address().equals(self.lanAddress());
                }
                if (replication && (lan || !config.cluster().lanPath())) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    log.warn("{} and {} still not on an interface that is up after {} s; starting anyway",
                            self.replicationAddress().getHostAddress(), self.lanAddress().getHostAddress(),
                            ADDRESS_WAIT.toSeconds());
                    return;
                }
                if (!logged) {
                    logged = true;
                    log.info("waiting for {} (replication) and {} (LAN) to be on interfaces that are up",
                            self.replicationAddress().getHostAddress(), self.lanAddress().getHostAddress());
                }
            }
            Thread.sleep(200);
        }
    }

    /** Which interfaces carry this node's replication and LAN addresses (for the fast peer-death path). */
    private void findOwnInterfaces() {
        try (RtNetlink rt = RtNetlink.open()) {
            java.util.Map<Integer, Link> links = new java.util.HashMap<>();
            rt.links().forEach(l -> links.put(l.index(), l));
            for (InterfaceAddress a : rt.addresses()) {
                Link link = links.get(a.interfaceIndex());
                if (link != null && a.address().equals(self.replicationAddress())) {
                    replicationInterface = link.name();
                }
                if (link != null && a.address().equals(self.lanAddress())) {
                    lanLink = link;
                }
            }
        }
        if (replicationInterface == null || lanLink == null || !(self.lanAddress() instanceof java.net.Inet4Address)) {
            log.warn("replication address on {}, LAN address on {}: peer death is detected by heartbeats only",
                    replicationInterface == null ? "no interface" : replicationInterface,
                    lanLink == null ? "no interface" : lanLink.name());
            replicationInterface = null;
        }
    }

    /**
     * The replication cable lost carrier: the peer may be dead, or only the cable cut. An ARP
     * request to each peer's LAN address tells which, in a fraction of a second.
     */
    private void askPeersOverTheLan() {
        for (NodeSpec peer : config.nodes()) {
            if (peer.equals(self) || !(peer.lanAddress() instanceof java.net.Inet4Address peerLan)) {
                continue;
            }
            // Links of a dying machine do not all fail in the same millisecond: a peer that still
            // answers is asked again a little later before we settle on "only the cable is down".
            Liveness answer = null;
            for (Duration wait : List.of(Duration.ZERO, Duration.ofMillis(250), Duration.ofMillis(750))) {
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                answer = askOnce(peerLan);
                if (answer == null || answer instanceof Liveness.Silent) {
                    break;
                }
            }
            if (answer == null) {
                continue;
            }
            boolean alive = answer instanceof Liveness.Alive;
            String detail = alive ? "it answered ARP at " + peer.lanAddress().getHostAddress() + " in "
                    + ((Liveness.Alive) answer).roundTrip().toMillis() + " ms"
                    : "no ARP answer from " + peer.lanAddress().getHostAddress() + " on " + lanLink.name()
                    + " within " + 2 * config.failover().peerCheckTimeout().toMillis() + " ms";
            onLoop(() -> controller.peerLiveness(peer.name(), alive, detail));
        }
    }

    /** Two ARP requests at most; null when the question could not even be asked. */
    private Liveness askOnce(java.net.Inet4Address peerLan) {
        try (ArpChannel arp = ArpChannel.open(lanLink)) {
            Liveness answer = arp.ping((java.net.Inet4Address) self.lanAddress(), peerLan, config.failover().peerCheckTimeout());
            return answer instanceof Liveness.Silent
                    ? arp.ping((java.net.Inet4Address) self.lanAddress(), peerLan, config.failover().peerCheckTimeout()) : answer;
        } catch (RuntimeException e) {
            log.warn("could not ask {} over the LAN: {}", peerLan.getHostAddress(), e.getMessage());
            return null;
        }
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(() -> safely(task));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /** A failing turn is logged and the next one tries again: the loop must never die. */
    private void safely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("unexpected failure in the agent loop (the next turn retries): {}", e.toString(), e);
        }
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

    /**
     * Listens on each interface with IPv4 public addresses for another host claiming one this
     * node holds (F13 after the fact: a host configured by hand, a peer that thinks it is free).
     * Never fights: reports it once in the log, in status and in the conflict metrics.
     */
    private void watchForConflicts() {
        Set<String> interfaces = config.publicAddresses().stream()
                .filter(a -> a.address().address() instanceof java.net.Inet4Address)
                .map(PublicAddressSpec::interfaceName).collect(Collectors.toCollection(java.util.TreeSet::new));
        HeldCache held = new HeldCache();
        try (RtNetlink rt = RtNetlink.open()) {
            for (String name : interfaces) {
                Optional<Link> found = rt.link(name);
                if (found.isEmpty()) {
                    log.warn("no interface {}: not watching it for address conflicts", name);
                    continue;
                }
                Link link = found.get();
                conflictWatchers.add(org.sagent.netlink.packet.ArpConflictWatcher.start(link, held::ipv4,
                        (address, claimedBy, packet) -> {
                            if (packet.senderIp().equals(org.sagent.netlink.packet.ArpPacket.UNSPECIFIED)) {
                                return; // a probe asks, it does not claim: a peer cut off on the replication link probes (F6)
                            }
                            if (controller.clusterMacs().contains(claimedBy.toString())) {
                                return; // a node of this cluster: a duplicate its agents resolve (F4), not a foreign host
                            }
                            String key = AddressReconciler.key(address);
                            if (!held.fresh().contains(key)) {
                                return; // released meanwhile: a peer taking it over is no conflict
                            }
                            if (addresses.claimedWhileHeld(key, claimedBy.toString())) {
                                metrics.conflict(key);
                                log.warn("conflict: {} ({}) claims {}, which this node holds on {}: not fighting it; "
                                        + "find that host (a hand-configured address?) and remove the address there",
                                        claimedBy, packet, address.getHostAddress(), name);
                            }
                        }));
            }
        }
    }

    /**
     * Every connections.interval: the established client connections on the public addresses
     * (sock_diag), bounded per address, handed to the controller, which publishes them: whoever
     * takes an address after this node vanished tickles these clients.
     */
    private void startConnectionTracking() {
        Set<String> publicKeys = config.publicAddresses().stream()
                .map(a -> AddressReconciler.key(a.address().address())).collect(Collectors.toSet());
        int max = config.connections().maxPerAddress();
        org.sagent.netlink.route.SockDiag diag;
        try {
            diag = org.sagent.netlink.route.SockDiag.open();
        } catch (org.sagent.netlink.NetlinkException e) {
            log.warn("cannot list client connections (sock_diag): {}; no tickle ACKs after a takeover", e.getMessage());
            return;
        }
        connectionTracker.scheduleWithFixedDelay(() -> {
            try {
                java.util.Map<String, java.util.List<String>> byAddress = new java.util.TreeMap<>();
                for (org.sagent.netlink.route.TcpConnection c : diag.established()) {
                    String key = AddressReconciler.key(c.local());
                    if (publicKeys.contains(key)) {
                        java.util.List<String> list = byAddress.computeIfAbsent(key, k -> new java.util.ArrayList<>());
                        if (list.size() < max) {
                            list.add(AddressReconciler.clientOf(c));
                        }
                    }
                }
                onLoop(() -> controller.setClients(byAddress));
            } catch (RuntimeException e) {
                log.debug("listing client connections failed: {}", e.toString());
            }
        }, 0, config.connections().interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This node's public addresses from the kernel, re-read at most every half second for the ARP watchers. */
    private final class HeldCache {
        private Set<String> held = Set.of();
        private long readAt;

        synchronized Set<java.net.Inet4Address> ipv4() {
            if (System.nanoTime() - readAt > 500_000_000L) {
                fresh();
            }
            Set<java.net.Inet4Address> v4 = new java.util.HashSet<>();
            for (PublicAddressSpec spec : config.publicAddresses()) {
                if (spec.address().address() instanceof java.net.Inet4Address a
                        && held.contains(AddressReconciler.key(a))) {
                    v4.add(a);
                }
            }
            return v4;
        }

        synchronized Set<String> fresh() {
            Set<String> publicKeys = config.publicAddresses().stream()
                    .map(a -> AddressReconciler.key(a.address().address())).collect(Collectors.toSet());
            try (RtNetlink rt = RtNetlink.open()) {
                held = rt.addresses().stream().map(a -> AddressReconciler.key(a.address()))
                        .filter(publicKeys::contains).collect(Collectors.toSet());
            } catch (RuntimeException e) {
                held = Set.of();
            }
            readAt = System.nanoTime();
            return held;
        }
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
        boolean released = keep || controller == null;
        if (!released) {
            try {
                loop.submit(controller::startDraining).get(5, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + HANDOVER_WAIT.toNanos();
                while (System.nanoTime() < deadline
                        && !loop.submit(controller::handedOver).get(5, TimeUnit.SECONDS)) {
                    Thread.sleep(20);
                }
                loop.submit(controller::releaseRemaining).get(5, TimeUnit.SECONDS);
                released = true;
            } catch (java.util.concurrent.TimeoutException e) {
                // A stop during a slow start (systemd's start timeout) or an overloaded machine.
                log.warn("stopping: the agent's loop did not answer within 5 s; releasing the addresses without "
                        + "waiting for a hand-over");
            }
        }
        running = false;
        loop.shutdown();
        boolean loopEnded = loop.awaitTermination(2, TimeUnit.SECONDS);
        if (!loopEnded) {
            loop.shutdownNow();
            loopEnded = loop.awaitTermination(2, TimeUnit.SECONDS);
        }
        if (!released && loopEnded) {
            controller.releaseRemaining(); // the loop has stopped: nothing else touches the controller now
        } else if (!released) {
            removePublicAddressesDirectly(); // the loop is stuck in a call: leave its objects alone
        }
        peerCheck.shutdownNow();
        connectionTracker.shutdownNow();
        publisher.shutdown();
        publisher.awaitTermination(1, TimeUnit.SECONDS);
        watchdog.ifPresent(WatchdogPinger::close);
        closeQuietly(controlServer);
        closeQuietly(metrics);
        conflictWatchers.forEach(Agent::closeQuietly);
        closeQuietly(witnessWatch);
        closeQuietly(membership);
        closeQuietly(lanMembership);
        closeQuietly(health);
        closeQuietly(checks);
        closeQuietly(addressEvents);
        closeQuietly(addresses);
    }

    /** Last resort when stopping with a stuck loop: deletes the public addresses through a socket of its own. */
    private void removePublicAddressesDirectly() {
        try (RtNetlink rt = RtNetlink.open()) {
            for (PublicAddressSpec spec : config.publicAddresses()) {
                rt.link(spec.interfaceName()).ifPresent(link -> {
                    if (rt.deleteAddress(link, spec.address().address(), spec.address().prefixLength())
                            instanceof org.sagent.netlink.route.DeleteResult.Deleted) {
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
