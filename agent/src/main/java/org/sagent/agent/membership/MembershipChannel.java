package org.sagent.agent.membership;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.sagent.agent.config.ClusterSettings;
import org.sagent.agent.config.FailoverSettings;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.core.NodeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JGroups channel between the agents, on one path: the replication link, or the LAN (the
 * second path, whose messages are signed with the cluster secret). Views in, node states both
 * ways. Members are named after their nodes. The stack is the XML resource next to this class.
 */
public final class MembershipChannel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MembershipChannel.class);
    /** Newer agents add fields to their state: an older one ignores what it does not know (rolling upgrades). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final long REJECTION_LOG_EVERY_MILLIS = 60_000;

    private final JChannel channel;
    private final MembershipEvent.Path path;
    private final Optional<MessageSigner> signer;
    private final AtomicLong lastRejectionLog = new AtomicLong();

    private MembershipChannel(MembershipEvent.Path path, String stack, NodeSpec self, Optional<MessageSigner> signer,
                              Consumer<MembershipEvent> events, Clock clock) throws Exception {
        this.path = path;
        this.signer = signer;
        try (InputStream in = new ByteArrayInputStream(stack.getBytes(StandardCharsets.UTF_8))) {
            channel = new JChannel(in);
        }
        channel.name(self.name());
        channel.setDiscardOwnMessages(true);
        channel.setReceiver(new Receiver() {
            @Override
            public void viewAccepted(View view) {
                Set<String> members = view.getMembers().stream().map(Address::toString)
                        .collect(Collectors.toCollection(LinkedHashSet::new));
                events.accept(new MembershipEvent.ViewChanged(path, members, view instanceof MergeView));
            }

            @Override
            public void receive(Message message) {
                try {
                    Optional<NodeState> decoded = decode(message.getArray(), message.getOffset(), message.getLength(),
                            signer);
                    if (decoded.isEmpty()) {
                        rejected("a message from " + message.getSrc() + " without a valid cluster-secret tag "
                                + "(a host without the secret, or a node with another secret file)");
                        return;
                    }
                    NodeState state = decoded.get();
                    if (!state.node().equals(String.valueOf(message.getSrc()))) {
                        rejected("a state for " + state.node() + " sent by " + message.getSrc());
                        return;
                    }
                    events.accept(new MembershipEvent.StateReceived(path, state, clock.instant()));
                } catch (IOException e) {
                    rejected("an unreadable state message from " + message.getSrc() + ": " + e.getMessage());
                }
            }
        });
    }

    /** The channel on the replication link. */
    public static MembershipChannel replication(ClusterSettings cluster, FailoverSettings failover, List<NodeSpec> nodes,
                                                NodeSpec self, Consumer<MembershipEvent> events, Clock clock)
            throws Exception {
        return new MembershipChannel(MembershipEvent.Path.REPLICATION, stack(failover, self.replicationAddress(),
                cluster.port(), nodes.stream().map(NodeSpec::replicationAddress).toList()),
                self, Optional.empty(), events, clock);
    }

    /** The second path, on the LAN addresses, authenticated with the cluster secret. */
    public static MembershipChannel lan(ClusterSettings cluster, FailoverSettings failover, List<NodeSpec> nodes,
                                        NodeSpec self, MessageSigner signer, Consumer<MembershipEvent> events,
                                        Clock clock) throws Exception {
        return new MembershipChannel(MembershipEvent.Path.LAN, stack(failover, self.lanAddress(),
                cluster.lanPort(), nodes.stream().map(NodeSpec::lanAddress).toList()),
                self, Optional.of(signer), events, clock);
    }

    private void rejected(String what) {
        long now = System.currentTimeMillis();
        long last = lastRejectionLog.get();
        if (now - last > REJECTION_LOG_EVERY_MILLIS && lastRejectionLog.compareAndSet(last, now)) {
            log.warn("ignored on the {} path: {}", path.name().toLowerCase(), what);
        }
    }

    /** The stack XML with this path's addresses and the configured timings filled in. */
    static String stack(FailoverSettings failover, InetAddress bind, int port, List<InetAddress> hosts)
            throws IOException {
        String template;
        try (InputStream in = MembershipChannel.class.getResourceAsStream("membership-stack.xml")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String initialHosts = hosts.stream().map(h -> hostPort(h.getHostAddress(), port)).collect(Collectors.joining(","));
        Duration heartbeat = failover.heartbeatInterval();
        return template
                .replace("{{bind_addr}}", bind.getHostAddress())
                .replace("{{bind_port}}", Integer.toString(port))
                .replace("{{initial_hosts}}", initialHosts)
                .replace("{{heartbeat_interval}}", heartbeat.toMillis() + "ms")
                .replace("{{failure_timeout}}", failover.failureTimeout().toMillis() + "ms")
                .replace("{{verify_timeout}}", Math.max(50, heartbeat.toMillis()) + "ms")
                .replace("{{connect_timeout}}", Math.max(200, failover.failureTimeout().toMillis() / 2) + "ms")
                .replace("{{join_timeout}}", Math.max(1000, 2 * failover.failureTimeout().toMillis()) + "ms");
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + "[" + port + "]";
    }

    /** Joins the group (or forms a view alone after the join timeout). */
    public void connect(String clusterName) throws Exception {
        warmUp(signer);
        // The two paths are two groups: their names differ so a misconfigured port cannot mix them.
        channel.connect(clusterName + (path == MembershipEvent.Path.LAN ? "-lan" : ""));
    }

    /** Sends this node's state to every member. */
    public void publish(NodeState state) {
        try {
            channel.send(new BytesMessage(null, encode(state, signer)));
        } catch (Exception e) {
            log.debug("could not publish this node's state on the {} path: {}", path, e.getMessage());
        }
    }

    /** A state as it goes on the wire: its JSON, followed on the LAN path by its tag. */
    static byte[] encode(NodeState state, Optional<MessageSigner> signer) throws IOException {
        byte[] json = JSON.writeValueAsBytes(state);
        return signer.map(s -> s.sign(json)).orElse(json);
    }

    /** A state off the wire; empty when the tag is missing or wrong. */
    static Optional<NodeState> decode(byte[] buffer, int offset, int length, Optional<MessageSigner> signer)
            throws IOException {
        Optional<byte[]> payload = signer.isEmpty()
                ? Optional.of(java.util.Arrays.copyOfRange(buffer, offset, offset + length))
                : signer.get().verify(buffer, offset, length);
        return payload.isEmpty() ? Optional.empty() : Optional.of(JSON.readValue(payload.get(), NodeState.class));
    }

    /**
     * Encodes and decodes a state with every field filled in, once, before the channel joins.
     * The first state each way otherwise pays, after the view, for loading and building the JSON
     * (and HMAC) machinery while the peer waits for it: seconds on a node short of CPU (the
     * emulated test guests, starting their JVM while DRBD resyncs, got their peer's first state
     * 12 to 22 s after the view, and took its address back without knowing its clients).
     * Returns the decoded state.
     */
    static NodeState warmUp(Optional<MessageSigner> signer) throws IOException {
        byte[] wire = encode(WARM_UP_STATE, signer);
        return decode(wire, 0, wire.length, signer)
                .orElseThrow(() -> new IllegalStateException("this node cannot check its own cluster-secret tag"));
    }

    /** Every field set, so that every serializer and deserializer a real state needs gets built. */
    static final NodeState WARM_UP_STATE = new NodeState("warm-up", 1, org.sagent.agent.core.Readiness.STARTING,
            List.of("warming up"), false, Set.of("192.0.2.120"), Set.of("192.0.2.121"), 1, 1, Set.of("warm-up"),
            java.util.Map.of("192.0.2.120", new org.sagent.agent.core.Pin("warm-up", 1)),
            java.util.Map.of("192.0.2.120", List.of("192.0.2.100 40000 445")), Set.of("02:00:00:00:00:01"),
            new org.sagent.agent.core.IsolationClaim(true, true, true, "1970-01-01T00:00:00Z", "warming up",
                    Set.of("warm-up")));

    /** Leaves the view (peers see a clean leave, not a failure) and closes the channel. */
    @Override
    public void close() {
        channel.close();
    }
}
