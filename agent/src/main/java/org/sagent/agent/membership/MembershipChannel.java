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
import java.util.Map;
import java.util.Optional;
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
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.TCP;
import org.jgroups.stack.ProtocolStack;
import org.sagent.agent.config.ClusterSettings;
import org.sagent.agent.config.FailoverSettings;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.core.NodeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JGroups channel between the agents, on one path: the replication link, or the LAN. Views in,
 * node states both ways. Members are named after their nodes. The stack is the XML resource next
 * to this class, with JGroups' own SYM_ENCRYPT (and SERIALIZE, so headers too) inserted right above
 * the transport, keyed from the cluster secret: a host without the secret cannot discover, join,
 * heartbeat or speak in the group. Each state is also signed and stamped ({@link StateEnvelope},
 * {@link Freshness}): only a configured node's fresh state, sent under its own name, is passed on.
 */
public final class MembershipChannel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MembershipChannel.class);
    /** Newer agents add fields to their state: an older one ignores what it does not know (rolling upgrades). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final JChannel channel;
    private final MembershipEvent.Path path;
    private final String self;
    private final MessageSigner signer;
    private final Freshness freshness;
    private final IncomingStates incoming;
    private volatile NodeState lastPublished;

    private MembershipChannel(MembershipEvent.Path path, String stack, NodeSpec self, List<NodeSpec> nodes,
                              ClusterSecret secret, Freshness freshness, Consumer<MembershipEvent> events,
                              Clock clock) throws Exception {
        this.path = path;
        this.self = self.name();
        this.signer = secret.stateSigner();
        this.freshness = freshness;
        Set<String> configured = nodes.stream().map(NodeSpec::name).collect(Collectors.toUnmodifiableSet());
        this.incoming = new IncomingStates(path, self.name(), configured, signer, freshness, () -> {
            NodeState own = lastPublished;
            if (own != null) {
                publish(own); // a new run of the peer: answer at once, so it hears our echo
            }
        });
        try (InputStream in = new ByteArrayInputStream(stack.getBytes(StandardCharsets.UTF_8))) {
            channel = new JChannel(in);
        }
        encryptEveryFrame(channel, secret);
        channel.name(self.name());
        channel.setDiscardOwnMessages(true);
        channel.setReceiver(new Receiver() {
            @Override
            public void viewAccepted(View view) {
                Set<String> members = new LinkedHashSet<>();
                for (Address member : view.getMembers()) {
                    String name = String.valueOf(member);
                    if (configured.contains(name)) {
                        members.add(name);
                    } else {
                        incoming.rejected("member", "a member named " + name + ", which is no configured node, in "
                                + "the view (it holds the cluster secret: check which hosts have it)");
                    }
                }
                events.accept(new MembershipEvent.ViewChanged(path, members, view instanceof MergeView));
            }

            @Override
            public void receive(Message message) {
                incoming.received(message.getArray(), message.getOffset(), message.getLength(), String.valueOf(
                        message.getSrc())).ifPresent(state -> events.accept(new MembershipEvent.StateReceived(path,
                        state, clock.instant(), System.nanoTime())));
            }
        });
    }

    /** The channel on the replication link. */
    public static MembershipChannel replication(ClusterSettings cluster, FailoverSettings failover, List<NodeSpec> nodes,
                                                NodeSpec self, ClusterSecret secret, Freshness freshness,
                                                Consumer<MembershipEvent> events, Clock clock) throws Exception {
        return new MembershipChannel(MembershipEvent.Path.REPLICATION, stack(failover, self.replicationAddress(),
                cluster.port(), nodes.stream().map(NodeSpec::replicationAddress).toList()),
                self, nodes, secret, freshness, events, clock);
    }

    /** The second path, on the LAN addresses. */
    public static MembershipChannel lan(ClusterSettings cluster, FailoverSettings failover, List<NodeSpec> nodes,
                                        NodeSpec self, ClusterSecret secret, Freshness freshness,
                                        Consumer<MembershipEvent> events, Clock clock) throws Exception {
        return new MembershipChannel(MembershipEvent.Path.LAN, stack(failover, self.lanAddress(),
                cluster.lanPort(), nodes.stream().map(NodeSpec::lanAddress).toList()),
                self, nodes, secret, freshness, events, clock);
    }

    /**
     * SERIALIZE then SYM_ENCRYPT right above TCP: every frame, discovery and heartbeats included,
     * is encrypted whole with the key made from the cluster secret; a frame that does not decrypt
     * is dropped by JGroups. Inserted here rather than in the XML because the key is not in a
     * keystore file but derived from the secret. The stack initialised its protocols when the
     * channel was made, so the two inserted here are initialised by hand (else every send fails).
     */
    static void encryptEveryFrame(JChannel channel, ClusterSecret secret) throws Exception {
        ProtocolStack stack = channel.getProtocolStack();
        SYM_ENCRYPT encrypt = new SYM_ENCRYPT();
        encrypt.setSecretKey(secret.groupKey());
        encrypt.symAlgorithm("AES/CBC/PKCS5Padding");
        encrypt.symIvLength(16);
        SERIALIZE serialize = new SERIALIZE();
        stack.insertProtocol(encrypt, ProtocolStack.Position.ABOVE, TCP.class);
        stack.insertProtocol(serialize, ProtocolStack.Position.ABOVE, SYM_ENCRYPT.class);
        encrypt.setProtocolStack(stack);
        serialize.setProtocolStack(stack);
        encrypt.init();
        serialize.init();
    }

    static String pathName(MembershipEvent.Path path) {
        return path.name().toLowerCase();
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

    /** Sends this node's state to every member, signed and stamped. */
    public void publish(NodeState state) {
        lastPublished = state;
        try {
            Freshness.Outgoing out = freshness.next();
            channel.send(new BytesMessage(null, seal(new StateEnvelope(StateEnvelope.VERSION, pathName(path), self,
                    out.stamp().run(), out.stamp().seq(), out.echoes(), state), signer)));
        } catch (Exception e) {
            log.debug("could not publish this node's state on the {} path: {}", path, e.getMessage());
        }
    }

    /** An envelope as it goes on the wire: its JSON followed by its tag. */
    static byte[] seal(StateEnvelope envelope, MessageSigner signer) throws IOException {
        return signer.sign(JSON.writeValueAsBytes(envelope));
    }

    /** An envelope off the wire; empty when the tag is missing or wrong. */
    static Optional<StateEnvelope> open(byte[] buffer, int offset, int length, MessageSigner signer)
            throws IOException {
        Optional<byte[]> payload = signer.verify(buffer, offset, length);
        return payload.isEmpty() ? Optional.empty() : Optional.of(JSON.readValue(payload.get(), StateEnvelope.class));
    }

    /**
     * Seals and opens an envelope with every field filled in, once, before the channel joins.
     * The first state each way otherwise pays, after the view, for loading and building the JSON
     * and HMAC machinery while the peer waits for it: seconds on a node short of CPU (the
     * emulated test guests, starting their JVM while DRBD resyncs, got their peer's first state
     * 12 to 22 s after the view, and took its address back without knowing its clients).
     * Returns the state it opened.
     */
    static NodeState warmUp(MessageSigner signer) throws IOException {
        StateEnvelope sample = new StateEnvelope(StateEnvelope.VERSION, "replication", "warm-up", "run", 1,
                Map.of("warm-up", List.of(new Freshness.Stamp("run", 1))), WARM_UP_STATE);
        byte[] wire = seal(sample, signer);
        return open(wire, 0, wire.length, signer).map(StateEnvelope::state)
                .orElseThrow(() -> new IllegalStateException("this node cannot check its own cluster-secret tag"));
    }

    /** Every field set, so that every serializer and deserializer a real state needs gets built. */
    static final NodeState WARM_UP_STATE = new NodeState("warm-up", 1, org.sagent.agent.core.Readiness.STARTING,
            List.of("warming up"), false, Set.of("192.0.2.120"), Set.of("192.0.2.121"), 1, 1, Set.of("warm-up"),
            java.util.Map.of("192.0.2.120", new org.sagent.agent.core.Pin("warm-up", 1)),
            java.util.Map.of("192.0.2.120", List.of("192.0.2.100 40000 445")), Set.of("02:00:00:00:00:01"),
            new org.sagent.agent.core.IsolationClaim(true, true, true, "1970-01-01T00:00:00Z", "warming up",
                    Set.of("warm-up"), "episode", "answered"));

    /** Leaves the view (peers see a clean leave, not a failure) and closes the channel. */
    @Override
    public void close() {
        channel.close();
    }
}
