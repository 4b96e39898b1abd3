package org.sagent.agent.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.sagent.agent.cluster.FailoverEvents;
import org.sagent.agent.control.StatusReport;
import org.sagent.agent.isolation.IsolationEvents;
import org.sagent.agent.time.MonotonicClock;
import org.sagent.agent.time.MonotonicInstant;

/**
 * The agent's metrics: a Dropwizard registry (counters updated as things happen, gauges read
 * from the status report at scrape time) and the Prometheus client's histograms for durations,
 * served in the Prometheus text format by the Prometheus client's HTTP server. Names follow
 * Prometheus conventions: base units, {@code _total} on counters, labels rather than name
 * suffixes.
 *
 * <p>Durations are Prometheus histograms, not Dropwizard timers: a timer is exported as a
 * summary of quantiles over a decaying sample, which cannot be added up across the two nodes or
 * over a month, while cumulative buckets with {@code _sum} and {@code _count} can
 * ({@code histogram_quantile}, {@code rate(_sum)/rate(_count)}).
 */
public final class AgentMetrics implements FailoverEvents, IsolationEvents, AutoCloseable {

    static final MetricFamily FAILOVERS = new MetricFamily("sagent_failovers",
            "Public addresses this node took over, by address and reason (released: handed over by its holder; "
                    + "holder_lost: its holder left the cluster; unheld: nobody held it)");
    static final MetricFamily FAILOVER_DURATION = new MetricFamily("sagent_failover_duration_seconds",
            "From the moment this node learnt an address was unserved to the moment it served it");
    static final MetricFamily ANNOUNCEMENTS = new MetricFamily("sagent_address_announcements",
            "Gratuitous ARP frames (IPv4) and unsolicited neighbour advertisements (IPv6) sent");
    static final MetricFamily CONFLICTS = new MetricFamily("sagent_address_conflicts",
            "Times a host outside the cluster was found answering for a public address");
    static final MetricFamily CONFLICT = new MetricFamily("sagent_address_conflict",
            "1 while a host outside the cluster answers for the address (this node will not take it)");
    static final MetricFamily HELD = new MetricFamily("sagent_address_held",
            "1 if this node holds the public address on its interface now");
    static final MetricFamily HOLDERS = new MetricFamily("sagent_address_holders",
            "How many nodes hold the address, as this node sees the cluster (1 is right; 0 unserved; 2 duplicate)");
    static final MetricFamily MEMBERS = new MetricFamily("sagent_cluster_members",
            "Nodes in this node's replication-link membership view, itself included");
    static final MetricFamily NODE_STATE = new MetricFamily("sagent_node_state",
            "1 for each node's current state as this node sees it (OK, STARTING, UNHEALTHY, DISABLED, "
                    + "DISCONNECTED, STOPPING)");
    static final MetricFamily CHECK_HEALTHY = new MetricFamily("sagent_health_check_healthy",
            "1 if this node's health check passes (after rise/fall)");
    static final MetricFamily CHECK_DEGRADED = new MetricFamily("sagent_health_check_degraded",
            "1 if the check passes but without full redundancy (DRBD: the peer disconnected, StandAlone after a "
                    + "split brain, a resync running)");
    static final MetricFamily CHECK_DURATION = new MetricFamily("sagent_health_check_duration_seconds",
            "How long the check's last run took");
    static final MetricFamily REPLICATION_UP = new MetricFamily("sagent_replication_link_up",
            "1 if the replication interface has carrier");
    static final MetricFamily LAN_PEER = new MetricFamily("sagent_lan_peer_reachable",
            "1 if the peer is in this node's LAN-path view");
    static final MetricFamily KILLED = new MetricFamily("sagent_connections_reset",
            "Client TCP connections this node reset before releasing an address (they reconnect to the new holder)");
    static final MetricFamily TICKLES = new MetricFamily("sagent_tickle_acks",
            "Tickle ACKs sent to the clients an address's previous holder left behind");
    static final MetricFamily CLIENTS = new MetricFamily("sagent_client_connections",
            "Established client TCP connections on the address at its holder's last listing");
    static final MetricFamily FENCE_DECISIONS = new MetricFamily("sagent_fence_decisions",
            "Arbitrations after DRBD lost its peer, by outcome (won: this node resumed; lost: it stood down; "
                    + "undecided: its fence-peer handler gave up and I/O stayed frozen)");
    static final MetricFamily IO_FREEZE = new MetricFamily("sagent_io_freeze_seconds",
            "From the loss of the replication link (writes stall from there; DRBD then freezes I/O) to this "
                    + "node winning (I/O resumed)");
    static final MetricFamily WITNESS = new MetricFamily("sagent_witness_reachable",
            "1 if a witness answered this node's last ARP round (isolation configured)");
    static final MetricFamily FENCED = new MetricFamily("sagent_fenced",
            "1 while this node is fenced: it stood down, or came back and waits to be resynced");
    static final MetricFamily BUILD = new MetricFamily("sagent_build_info", "The agent's version");

    /** From a namespace bed's 0.1 s to an emulated guest's minute: each bucket a failover can land in. */
    static final double[] FAILOVER_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
    /** Around the 2 s a winner's freeze should stay under, up to DRBD's and o2hb's default minute. */
    static final double[] IO_FREEZE_BUCKETS = {0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120};

    static final List<String> STATES = List.of("OK", "STARTING", "UNHEALTHY", "DISABLED", "DISCONNECTED", "STOPPING");
    static final Duration REPORT_REUSE = Duration.ofMillis(500);

    private final MetricRegistry registry = new MetricRegistry();
    private final DropwizardBridge bridge = new DropwizardBridge(registry);
    private final PrometheusRegistry prometheus = new PrometheusRegistry();
    private final Histogram failoverDuration = histogram(FAILOVER_DURATION, FAILOVER_BUCKETS, "address");
    private final Histogram ioFreeze = histogram(IO_FREEZE, IO_FREEZE_BUCKETS);
    private final Supplier<Optional<StatusReport>> reports;
    private final MonotonicClock clock;
    private Optional<StatusReport> lastReport = Optional.empty();
    private MonotonicInstant lastReportAt;
    private boolean asked;
    private HTTPServer server;
    /**
     * The exporter logs a stack trace for every client that left before its answer: a client
     * cut off by {@link HttpServerLimits} does, so a flood would fill the journal with them.
     * Kept in a field: java.util.logging holds its loggers weakly, and a new one has no filter.
     */
    private final java.util.logging.Logger exporterLog = java.util.logging.Logger.getLogger(
            "io.prometheus.metrics.exporter.httpserver.HttpExchangeAdapter");

    /**
     * @param reports the current status report, or empty when the agent could not give one in time
     *                (its gauges are then left out of that scrape rather than made up)
     * @param clock   decides when a report is too old to reuse
     */
    public AgentMetrics(MetricsScope scope, String version, Supplier<Optional<StatusReport>> reports,
                        MonotonicClock clock) {
        this.reports = reports;
        this.clock = clock;
        prometheus.register(bridge);
        // The agent's own cost, as an administrator compares it with keepalived's: RSS, CPU
        // seconds, start time, open descriptors (process_*), read by the Prometheus client from /proc.
        ProcessMetrics.builder().register(prometheus);
        registry.register(bridge.name(BUILD, "version", version), (Gauge<Integer>) () -> 1);
        for (var spec : scope.publicAddresses()) {
            String address = spec.address().address().getHostAddress();
            String printed = spec.address().toString();
            gauge(HELD, r -> address(r, printed).map(a -> a.holders().contains(r.node()) ? 1.0 : 0.0),
                    "address", address, "interface", spec.interfaceName());
            gauge(HOLDERS, r -> address(r, printed).map(a -> (double) a.holders().size()), "address", address);
            gauge(CONFLICT, r -> address(r, printed).map(a -> a.conflict() != null ? 1.0 : 0.0), "address", address);
            gauge(CLIENTS, r -> address(r, printed).map(a -> (double) a.clientConnections()), "address", address);
            // Every counter an alert watches exists from the start at 0: a series born at 1 by
            // its first event has no earlier sample, and increase() over it reads 0, so the
            // alert on the first failover (or conflict) of an agent's life would never fire.
            for (String reason : FailoverEvents.REASONS) {
                registry.counter(bridge.name(FAILOVERS, "address", address, "reason", reason));
            }
            registry.counter(bridge.name(CONFLICTS, "address", address));
            // The hand-over counters too, so that a dashboard's panel on them shows 0, not "no data".
            registry.counter(bridge.name(ANNOUNCEMENTS, "address", address));
            registry.counter(bridge.name(KILLED, "address", address));
            registry.counter(bridge.name(TICKLES, "address", address));
            failoverDuration.initLabelValues(address);
        }
        gauge(MEMBERS, r -> Optional.of(r.replication().peersInView().size() + 1.0));
        if (scope.isolation()) {
            gauge(WITNESS, r -> Optional.ofNullable(r.isolation()).map(i -> i.witnessReachable() ? 1.0 : 0.0));
            gauge(FENCED, r -> Optional.ofNullable(r.isolation()).map(i -> i.fenced() ? 1.0 : 0.0));
            for (String outcome : List.of("won", "lost", "undecided")) {
                registry.counter(bridge.name(FENCE_DECISIONS, "outcome", outcome));
            }
            ioFreeze.initLabelValues();
        }
        gauge(REPLICATION_UP, r -> Optional.of(r.replication().up() ? 1.0 : 0.0));
        for (var node : scope.nodes()) {
            for (String state : STATES) {
                gauge(NODE_STATE, r -> r.nodes().stream().filter(n -> n.name().equals(node.name())).findFirst()
                        .map(n -> n.state().equals(state) ? 1.0 : 0.0), "node", node.name(), "state", state);
            }
            gauge(LAN_PEER, r -> r.nodes().stream().filter(n -> n.name().equals(node.name()) && !n.thisNode()
                    && n.lanReachable() != null).findFirst().map(n -> n.lanReachable() ? 1.0 : 0.0),
                    "peer", node.name());
        }
    }

    /** Registers the gauges of this node's health checks (known once the checks are built). */
    public void healthChecks(List<String> names) {
        for (String name : names) {
            gauge(CHECK_HEALTHY, r -> check(r, name).map(c -> c.healthy() ? 1.0 : 0.0), "check", name);
            gauge(CHECK_DEGRADED, r -> check(r, name).map(c -> c.degraded() ? 1.0 : 0.0), "check", name);
            gauge(CHECK_DURATION, r -> check(r, name).filter(c -> c.tookMillis() >= 0)
                    .map(c -> c.tookMillis() / 1000.0), "check", name);
        }
    }

    /** An arbitration ended for this node: won, lost or undecided. */
    @Override
    public void fenceDecision(String outcome) {
        registry.counter(bridge.name(FENCE_DECISIONS, "outcome", outcome)).inc();
    }

    /** How long DRBD kept this node's I/O frozen before it won. */
    @Override
    public void ioFrozen(Duration frozen) {
        ioFreeze.observe(seconds(frozen));
    }

    /** This node took over {@code address}; {@code outage} when it knows since when the address was unserved. */
    @Override
    public void tookOver(String address, String reason, Optional<Duration> outage) {
        registry.counter(bridge.name(FAILOVERS, "address", address, "reason", reason)).inc();
        outage.ifPresent(d -> failoverDuration.labelValues(address).observe(seconds(d)));
    }

    public void announced(String address, int frames) {
        registry.counter(bridge.name(ANNOUNCEMENTS, "address", address)).inc(frames);
    }

    @Override
    public void connectionsKilled(String address, int count) {
        registry.counter(bridge.name(KILLED, "address", address)).inc(count);
    }

    @Override
    public void tickles(String address, int count) {
        if (count > 0) {
            registry.counter(bridge.name(TICKLES, "address", address)).inc(count);
        }
    }

    @Override
    public void conflict(String address) {
        registry.counter(bridge.name(CONFLICTS, "address", address)).inc();
    }

    /** Serves {@code /metrics} on {@code listen}, within {@link HttpServerLimits}. */
    public void serve(InetSocketAddress listen) throws IOException {
        HttpServerLimits.apply(System.getProperties());
        exporterLog.setFilter(record -> !(record.getThrown() instanceof IOException));
        server = HTTPServer.builder().inetAddress(listen.getAddress()).port(listen.getPort()).registry(prometheus)
                .executorService(HttpServerLimits.workers()).buildAndStart();
    }

    /** The port actually listened on (useful when 0 was asked). */
    public int port() {
        return server.getPort();
    }

    /** The exposition as Prometheus would scrape it, for tests. */
    PrometheusRegistry prometheusRegistry() {
        return prometheus;
    }

    private Histogram histogram(MetricFamily family, double[] buckets, String... labelNames) {
        return Histogram.builder().name(family.name()).help(family.help()).labelNames(labelNames)
                .classicOnly().classicUpperBounds(buckets).withoutExemplars().register(prometheus);
    }

    /** Divided, not multiplied by 1e-9: 350 ms is exported as 0.35, not 0.35000000000000003. */
    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private void gauge(MetricFamily family, java.util.function.Function<StatusReport, Optional<Double>> value,
                       String... labels) {
        registry.register(bridge.name(family, labels), (Gauge<Double>) () -> report()
                .flatMap(value).orElse(null));
    }

    /** One ask per scrape (within REPORT_REUSE), an unanswered one included: a busy agent is asked once, not per gauge. */
    private synchronized Optional<StatusReport> report() {
        MonotonicInstant now = clock.now();
        if (!asked || now.since(lastReportAt).compareTo(REPORT_REUSE) > 0) {
            asked = true;
            lastReport = reports.get();
            lastReportAt = now;
        }
        return lastReport;
    }

    private static Optional<StatusReport.Address> address(StatusReport report, String printed) {
        return report.addresses().stream().filter(a -> a.address().equals(printed)).findFirst();
    }

    private static Optional<StatusReport.Check> check(StatusReport report, String name) {
        return report.checks().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
