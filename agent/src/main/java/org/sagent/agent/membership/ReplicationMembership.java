package org.sagent.agent.membership;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.sagent.agent.config.FailoverSettings;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.config.SagentConfig;
import org.sagent.agent.core.NodeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JGroups channel on the replication link: membership views in, node states both ways.
 * Members are named after their nodes. The stack is the XML resource next to this class.
 */
public final class ReplicationMembership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationMembership.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JChannel channel;
    private final Consumer<MembershipEvent> events;
    private final Clock clock;

    public ReplicationMembership(SagentConfig config, NodeSpec self, Consumer<MembershipEvent> events, Clock clock)
            throws Exception {
        this.events = events;
        this.clock = clock;
        try (InputStream stack = new ByteArrayInputStream(stack(config, self).getBytes(StandardCharsets.UTF_8))) {
            channel = new JChannel(stack);
        }
        channel.name(self.name());
        channel.setDiscardOwnMessages(true);
        channel.setReceiver(new Receiver() {
            @Override
            public void viewAccepted(View view) {
                Set<String> members = view.getMembers().stream().map(Address::toString)
                        .collect(Collectors.toCollection(LinkedHashSet::new));
                events.accept(new MembershipEvent.ViewChanged(members, view instanceof MergeView));
            }

            @Override
            public void receive(Message message) {
                try {
                    NodeState state = JSON.readValue(message.getArray(), message.getOffset(), message.getLength(),
                            NodeState.class);
                    if (!state.node().equals(String.valueOf(message.getSrc()))) {
                        log.warn("ignoring a state for {} sent by {}", state.node(), message.getSrc());
                        return;
                    }
                    events.accept(new MembershipEvent.StateReceived(state, clock.instant()));
                } catch (IOException e) {
                    log.warn("ignoring an unreadable state message from {}: {}", message.getSrc(), e.getMessage());
                }
            }
        });
    }

    /** The stack XML with this node's addresses and the configured timings filled in. */
    static String stack(SagentConfig config, NodeSpec self) throws IOException {
        String template;
        try (InputStream in = ReplicationMembership.class.getResourceAsStream("replication-stack.xml")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        FailoverSettings failover = config.failover();
        int port = config.cluster().port();
        String hosts = config.nodes().stream().map(n -> hostPort(n.replicationAddress().getHostAddress(), port))
                .collect(Collectors.joining(","));
        Duration heartbeat = failover.heartbeatInterval();
        return template
                .replace("{{bind_addr}}", self.replicationAddress().getHostAddress())
                .replace("{{bind_port}}", Integer.toString(port))
                .replace("{{initial_hosts}}", hosts)
                .replace("{{heartbeat_interval}}", heartbeat.toMillis() + "ms")
                .replace("{{failure_timeout}}", failover.failureTimeout().toMillis() + "ms")
                .replace("{{verify_timeout}}", Math.max(50, heartbeat.toMillis()) + "ms")
                .replace("{{connect_timeout}}", Math.max(200, failover.failureTimeout().toMillis() / 2) + "ms")
                .replace("{{join_timeout}}", Math.max(1000, 2 * failover.failureTimeout().toMillis()) + "ms");
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + "[" + port + "]";
    }

    /** Joins the cluster (or forms a view alone after the join timeout). */
    public void connect(String clusterName) throws Exception {
        channel.connect(clusterName);
    }

    /** Sends this node's state to every member. */
    public void publish(NodeState state) {
        try {
            channel.send(new BytesMessage(null, JSON.writeValueAsBytes(state)));
        } catch (Exception e) {
            log.warn("could not publish this node's state: {}", e.getMessage());
        }
    }

    /** Leaves the view (peers see a clean leave, not a failure) and closes the channel. */
    @Override
    public void close() {
        channel.close();
    }
}
