package org.sagent.agent;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.sagent.agent.config.DurationText;
import org.sagent.agent.config.HealthSettings;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.config.SagentConfig;
import org.sagent.agent.health.CommandRunner;
import org.sagent.agent.health.HealthChecks;
import org.sagent.agent.health.HealthMonitor;
import org.sagent.agent.health.HealthView;
import org.sagent.agent.systemd.SystemdNotifier;
import org.sagent.agent.systemd.WatchdogPinger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the agent's parts together and runs them until stopped. */
public final class Agent {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final SagentConfig config;
    private final NodeSpec self;
    private final Clock clock;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicReference<String> stopReason = new AtomicReference<>();
    private final SystemdNotifier notifier = SystemdNotifier.fromEnvironment();
    /** The agent's main loop: health views arrive here, and its turns keep the watchdog fed. */
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "agent-loop");
        thread.setDaemon(true);
        return thread;
    });
    private HealthChecks checks;
    private HealthMonitor health;
    private Optional<WatchdogPinger> watchdog = Optional.empty();
    private String lastStatus = "";
    private boolean gateReported;

    public Agent(SagentConfig config, NodeSpec self, Clock clock) {
        this.config = config;
        this.self = self;
        this.clock = clock;
    }

    public void start() {
        logConfiguration();
        checks = new HealthChecks(config, self, new CommandRunner(), name -> {
            HealthMonitor monitor = health;
            if (monitor != null) {
                monitor.runNow(name);
            }
        });
        HealthSettings settings = config.health();
        health = new HealthMonitor(checks.checks(), settings.interval(), settings.timeout(), settings.rise(),
                settings.fall(), clock, view -> loop.execute(() -> onHealth(view)));
        checks.start();
        health.start();
        watchdog = WatchdogPinger.fromEnvironment(notifier, clock);
        loop.scheduleWithFixedDelay(() -> watchdog.ifPresent(WatchdogPinger::alive), 0, 200, TimeUnit.MILLISECONDS);
        notifier.ready("STARTING: running " + checks.checks().size() + " health checks");
        log.info("running as {} with {} health checks; holding no new address until the start-up gate opens",
                self.name(), checks.checks().size());
    }

    private void onHealth(HealthView view) {
        String status = view.summary();
        if (!status.equals(lastStatus)) {
            lastStatus = status;
            notifier.status(status);
        }
        if (view.gateOpen() && !gateReported) {
            gateReported = true;
            log.info("start-up gate open: every check passed {} times in a row", view.rise());
        }
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

    /** Stops every part of the agent, in order. */
    public void stop(String why) {
        log.info("stopping: {}", why);
        notifier.stopping("stopping: " + why);
        watchdog.ifPresent(WatchdogPinger::close);
        if (health != null) {
            health.close();
        }
        if (checks != null) {
            checks.close();
        }
        loop.shutdownNow();
    }
}
