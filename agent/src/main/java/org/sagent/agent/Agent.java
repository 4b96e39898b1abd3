package org.sagent.agent;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.sagent.agent.config.DurationText;
import org.sagent.agent.config.HealthSettings;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.config.SagentConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the agent's parts together and runs them until stopped. */
public final class Agent {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final SagentConfig config;
    private final NodeSpec self;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicReference<String> stopReason = new AtomicReference<>();

    public Agent(SagentConfig config, NodeSpec self) {
        this.config = config;
        this.self = self;
    }

    public void start() {
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
        log.info("health: every {}, timeout {}, rise {}, fall {}; drbd {}, ocfs2 {}, samba {}, {} scripts",
                DurationText.format(health.interval()), DurationText.format(health.timeout()), health.rise(),
                health.fall(), health.drbd().map(d -> String.join(",", d.resources())).orElse("off"),
                health.ocfs2().map(o -> o.mount() + " (" + o.cluster() + ")").orElse("off"),
                health.samba().map(s -> s.unit().orElse("port " + s.port().orElse(445))).orElse("off"),
                health.scripts().size());
        log.info("running; holding no addresses yet: membership and address management are not built in this version");
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
    }
}
