package org.sagent.agent.membership;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.sagent.agent.config.FailbackMode;
import org.sagent.agent.config.FailoverSettings;
import org.sagent.agent.core.IsolationClaim;
import org.sagent.agent.core.NodeState;
import org.sagent.agent.core.Pin;
import org.sagent.agent.core.Readiness;

/**
 * A host on the LAN that tries to pass for a cluster node, for the attack tests: it runs in a
 * namespace of its own and speaks JGroups with the agents' own stack.
 *
 * <pre>
 * Impostor forge|plain|record|replay NAME SECRET-FILE BIND PORT GROUP HOSTS SECONDS [FILE]
 * </pre>
 * <ul>
 * <li>{@code forge}: the product's stack keyed from SECRET-FILE (a secret of its own, not the
 *     cluster's); sends forged states of every kind (everything released, pins to nobody,
 *     a huge incarnation, a stand-down with acknowledgement) for SECONDS.</li>
 * <li>{@code plain}: the same without encryption, as the stack was before it had any.</li>
 * <li>{@code record}: with the cluster's secret, under a name no node has, writes every message
 *     sent by the node called NAME to FILE (one base64 line each): a capture of real traffic.</li>
 * <li>{@code replay}: with the cluster's secret, under NAME, resends FILE's messages in a loop.</li>
 * </ul>
 * Prints {@code view: a, b} at every view and {@code sent: N} at the end. HOSTS is a
 * comma-separated list of the agents' addresses on that path.
 */
public final class Impostor {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String name = args[1];
        Path secretFile = Path.of(args[2]);
        InetAddress bind = InetAddress.getByName(args[3]);
        int port = Integer.parseInt(args[4]);
        String group = args[5];
        List<InetAddress> hosts = new ArrayList<>();
        for (String host : args[6].split(",")) {
            hosts.add(InetAddress.getByName(host));
        }
        Duration lasting = Duration.ofSeconds(Long.parseLong(args[7]));
        Path file = args.length > 8 ? Path.of(args[8]) : null;

        FailoverSettings failover = new FailoverSettings(FailoverSettings.DEFAULT_HEARTBEAT_INTERVAL,
                FailoverSettings.DEFAULT_FAILURE_TIMEOUT, FailbackMode.AUTO, FailoverSettings.DEFAULT_FAILBACK_DELAY,
                FailoverSettings.DEFAULT_CARRIER_POLL_INTERVAL, FailoverSettings.DEFAULT_PEER_CHECK_TIMEOUT);
        JChannel channel;
        try (InputStream in = new ByteArrayInputStream(MembershipChannel.stack(failover, bind, port, hosts)
                .getBytes(StandardCharsets.UTF_8))) {
            channel = new JChannel(in);
        }
        ClusterSecret secret = ClusterSecret.fromFile(secretFile);
        if (!mode.equals("plain")) {
            MembershipChannel.encryptEveryFrame(channel, secret);
        }
        List<String> recorded = new CopyOnWriteArrayList<>();
        channel.name(mode.equals("record") ? "recorder" : name);
        channel.setReceiver(new Receiver() {
            @Override
            public void viewAccepted(View view) {
                List<String> members = new ArrayList<>();
                for (Address member : view.getMembers()) {
                    members.add(String.valueOf(member));
                }
                System.out.println("view: " + String.join(", ", members));
            }

            @Override
            public void receive(Message message) {
                if (mode.equals("record") && name.equals(String.valueOf(message.getSrc()))) {
                    recorded.add(Base64.getEncoder().encodeToString(Arrays.copyOfRange(message.getArray(),
                            message.getOffset(), message.getOffset() + message.getLength())));
                }
            }
        });
        channel.connect(group);

        List<byte[]> toSend = new ArrayList<>();
        if (mode.equals("replay")) {
            for (String line : Files.readAllLines(file)) {
                toSend.add(Base64.getDecoder().decode(line));
            }
        } else if (mode.equals("forge") || mode.equals("plain")) {
            toSend.addAll(forgeries(name, secret.stateSigner()));
        }
        long sent = 0;
        long end = System.nanoTime() + lasting.toNanos();
        while (System.nanoTime() < end) {
            for (byte[] message : toSend) {
                channel.send(new BytesMessage(null, message));
                sent++;
            }
            Thread.sleep(50);
        }
        if (mode.equals("record")) {
            Files.write(file, recorded);
            System.out.println("recorded: " + recorded.size());
        }
        System.out.println("sent: " + sent);
        channel.close();
    }

    /** One message of every kind that moved addresses or won a cut when nothing checked who sent it. */
    private static List<byte[]> forgeries(String name, MessageSigner signer) throws Exception {
        Set<String> everything = Set.of("198.51.100.120/24", "198.51.100.121/24", "198.51.100.120", "198.51.100.121");
        Map<String, Pin> pinnedToNobody = Map.of("198.51.100.120/24", new Pin("s7", System.currentTimeMillis()),
                "198.51.100.120", new Pin("s7", System.currentTimeMillis()));
        IsolationClaim stoodDown = new IsolationClaim(false, false, true, "2026-01-01T00:00:00Z", "forged",
                Set.of("s0", "s1"), "any", "any");
        List<NodeState> states = List.of(
                new NodeState(name, 1, Readiness.OK, List.of(), false, Set.of(), everything, 1_000_000, 1_000_000,
                        Set.of("s0", "s1"), Map.of(), Map.of()),
                new NodeState(name, 2, Readiness.OK, List.of(), false, Set.of(), Set.of(), 1_000_000, 1_000_000,
                        Set.of("s0", "s1"), pinnedToNobody, Map.of()),
                new NodeState(name, Long.MAX_VALUE / 2, Readiness.OK, List.of(), false, everything, Set.of(),
                        1_000_000, 1_000_000, Set.of("s0", "s1"), Map.of(), Map.of()),
                new NodeState(name, 3, Readiness.STARTING, List.of("stood down"), false, Set.of(), Set.of(), 0, 0,
                        Set.of("s0", "s1"), Map.of(), Map.of(), Set.of(), stoodDown));
        List<byte[]> sealed = new ArrayList<>();
        long seq = 1_000_000;
        for (String path : List.of("replication", "lan")) {
            for (NodeState state : states) {
                seq++;
                sealed.add(MembershipChannel.seal(new StateEnvelope(StateEnvelope.VERSION, path, name, "forged-run",
                        seq, Map.of("s0", List.of(new Freshness.Stamp("guess", 1))), state), signer));
            }
        }
        return sealed;
    }

    private Impostor() {
    }
}
