package org.sagent.agent.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads and validates {@code sagent.yaml} (spec section 6): YAML syntax, known keys, typed
 * values, then the cross-checks between sections. Pure apart from reading the file; reports
 * every problem with its line and column instead of stopping at the first.
 */
public final class ConfigParser {

    static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final Pattern DRBD_RESOURCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    static final Pattern O2CB_CLUSTER = Pattern.compile("[A-Za-z0-9_-]{1,16}");
    static final Pattern UNIT_NAME = Pattern.compile("[A-Za-z0-9:_.@\\\\-]+\\.(service|socket|target)");
    /** Ports that belong to the stack sagent runs beside; an agent port there would break it. */
    private static final Map<Integer, String> TAKEN_PORTS = Map.of(7789, "DRBD's usual replication port",
            7777, "OCFS2's o2net port", 445, "Samba's port", 139, "Samba's NetBIOS port");
    private static final int MAX_FILE_BYTES = 1 << 20;
    /** Deeper than any configuration (it needs 5: health.scripts[].command[]); SnakeYAML's own default limit. */
    static final int MAX_NESTING = 50;
    /** The shipped example's first line; sagent.service does not start while it is there. */
    public static final String EXAMPLE_MARKER = "# sagent-example:";

    private final String label;
    private final ProblemSink problems;
    private final SecretOwners secretOwners;
    /** Every node name written, valid or not, so one bad node does not make its addresses' homes "unknown" too. */
    private final Set<String> declaredNodeNames = new java.util.TreeSet<>();

    /** Check the files the configuration names (the secret), not only the text. */
    private final boolean checkFiles;
    /**
     * Problems with those files: reported after every problem in the text itself, which an
     * administrator fixes first (and which the tests of the text check without the files).
     */
    private final ProblemSink fileProblems;

    private ConfigParser(String label, boolean checkFiles, SecretOwners secretOwners) {
        this.label = label;
        this.problems = new ProblemSink(label);
        this.checkFiles = checkFiles;
        this.fileProblems = new ProblemSink(label);
        this.secretOwners = secretOwners;
    }

    /** Reads the file; a missing or unreadable file is an error result, not an exception. */
    public static ConfigResult parseFile(Path file) {
        return parseFile(file, SecretOwners.ofThisProcess());
    }

    /** As {@link #parseFile(Path)}, with the users allowed to own the secret file given. */
    public static ConfigResult parseFile(Path file, SecretOwners secretOwners) {
        String label = file.toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                return single(label, "is a directory; give the path of the YAML file, e.g. /etc/sagent/sagent.yaml");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                return single(label, "is larger than 1 MiB; this is not a sagent configuration file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return single(label, "no such file; create it (cp /usr/share/sagent/sagent.yaml.example "
                    + "/etc/sagent/sagent.yaml: the package's commented example) or give its path");
        } catch (IOException e) {
            return single(label, "cannot be read: " + e.getMessage() + "; check its permissions (sagent runs as root)");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return new ConfigParser(label, true, secretOwners).run(text);
        } catch (CharacterCodingException e) {
            return single(label, "is not UTF-8 text; save it as UTF-8");
        }
    }

    /**
     * Parses {@code text}; {@code label} names the file in every message. Checks the text only,
     * not the files it names (parseFile, which the agent and check-config use, does both).
     */
    public static ConfigResult parse(String label, String text) {
        return new ConfigParser(label, false, SecretOwners.ofThisProcess()).run(text);
    }

    /** Parses {@code text} and checks the files it names, as {@link #parseFile} does. */
    public static ConfigResult parseAndCheckFiles(String label, String text) {
        return parse(label, text, SecretOwners.ofThisProcess());
    }

    /** As {@link #parseAndCheckFiles(String, String)}, with the users allowed to own the secret file given. */
    public static ConfigResult parse(String label, String text, SecretOwners secretOwners) {
        return new ConfigParser(label, true, secretOwners).run(text);
    }

    private static ConfigResult single(String label, String message) {
        return new ConfigResult.Invalid(List.of(new ConfigProblem(label, 1, 1, ConfigProblem.Severity.ERROR, message)));
    }

    private ConfigResult run(String text) {
        Optional<Node> root;
        try {
            LoadSettings settings = LoadSettings.builder()
                    .setLabel(label)
                    .setAllowDuplicateKeys(true) // reported by YamlSection with both positions known
                    .setMaxAliasesForCollections(20)
                    .setAllowRecursiveKeys(false)
                    .setCodePointLimit(MAX_FILE_BYTES)
                    .build();
            Optional<Mark> tooDeep = deeperThanAnyConfiguration(settings, text);
            if (tooDeep.isPresent()) {
                problems.error(tooDeep.get().getLine() + 1, tooDeep.get().getColumn() + 1, "nested more than "
                        + MAX_NESTING + " levels deep, and a sagent configuration needs at most 5; check the "
                        + "indentation and the brackets around this line");
                return new ConfigResult.Invalid(problems.sorted());
            }
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            int line = mark == null ? 1 : mark.getLine() + 1;
            int column = mark == null ? 1 : mark.getColumn() + 1;
            if (String.valueOf(e.getProblem()).contains("(TAB)")) {
                problems.error(line, column, "a tab character; YAML indents with spaces only: replace the tab with spaces");
            } else {
                problems.error(line, column, "not valid YAML: " + e.getProblem()
                        + (e.getContext() == null ? "" : " " + e.getContext())
                        + "; check the indentation (spaces only, two per level) and quote values containing ': ' or '#'");
            }
            return new ConfigResult.Invalid(problems.sorted());
        } catch (YamlEngineException e) {
            problems.error(1, 1, "not valid YAML: " + e.getMessage());
            return new ConfigResult.Invalid(problems.sorted());
        } catch (RuntimeException e) {
            // The YAML library may fail in ways of its own on hostile input; an administrator
            // still deserves a positioned error, never a stack trace.
            problems.error(1, 1, "not valid YAML: " + e);
            return new ConfigResult.Invalid(problems.sorted());
        }
        if (root.isEmpty()) {
            problems.error(1, 1, "the file is empty; start from the commented example the package installs "
                    + "(/etc/sagent/sagent.yaml) or see README.md, section Configuration");
            return new ConfigResult.Invalid(problems.sorted());
        }
        SagentConfig config = read(root.get());
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith(EXAMPLE_MARKER)) {
                problems.warning(i + 1, 1, "this is still the example the package installed: the service will not "
                        + "start until this line is deleted; describe your cluster first");
            }
        }
        List<ConfigProblem> all = new ArrayList<>(problems.sorted());
        all.addAll(fileProblems.sorted());
        return problems.hasErrors() || fileProblems.hasErrors() ? new ConfigResult.Invalid(all)
                : new ConfigResult.Valid(config, all);
    }

    /**
     * Where the text first nests deeper than {@link #MAX_NESTING}. snakeyaml-engine has no
     * nesting limit of its own and composes nodes recursively, so a hostile file would end in a
     * StackOverflowError; its event parser is not recursive, so the depth is measured there
     * first and the file is composed only when it is sane.
     */
    private static Optional<Mark> deeperThanAnyConfiguration(LoadSettings settings, String text) {
        int depth = 0;
        for (Event event : new Parse(settings).parseString(text)) {
            if (event instanceof CollectionStartEvent) {
                depth++;
                if (depth > MAX_NESTING) {
                    // Marks are on (the settings' default), so every event has one.
                    return Optional.of(event.getStartMark().orElseThrow());
                }
            } else if (event instanceof CollectionEndEvent) {
                depth--;
            }
        }
        return Optional.empty();
    }

    private SagentConfig read(Node rootNode) {
        Optional<YamlSection> top = YamlSection.of("", rootNode, problems, "cluster:, nodes:, public-addresses: ...");
        if (top.isEmpty()) {
            return null;
        }
        YamlSection root = top.get();
        ClusterSettings cluster = readCluster(root);
        List<NodeSpec> nodes = readNodes(root);
        List<PublicAddressSpec> addresses = readPublicAddresses(root, nodes);
        FailoverSettings failover = readFailover(root);
        AnnounceSettings announce = readAnnounce(root);
        ProbeSettings probe = readProbe(root);
        HealthSettings health = readHealth(root);
        MetricsSettings metrics = readMetrics(root, cluster, nodes, addresses);
        ConnectionsSettings connections = readConnections(root);
        IsolationSettings isolation = readIsolation(root, nodes, addresses);
        root.finish();
        isolationHasOnePeer(root);
        if (cluster == null) {
            return null;
        }
        return new SagentConfig(label, cluster, nodes, addresses, failover, announce, probe, health, metrics,
                connections, isolation);
    }

    // ---- Rules that span sections, or that the section readers leave to one place.

    /**
     * Isolation decides between a node and its one DRBD peer (DRBD 8.4 dual-primary replicates
     * between exactly two servers): with any other number of nodes there is no peer, and an
     * arbitration would stay "deciding" until DRBD's handler gave up.
     */
    private void isolationHasOnePeer(YamlSection root) {
        if (!root.has("isolation") || !(root.value("nodes").orElse(null) instanceof SequenceNode nodes)
                || nodes.getValue().isEmpty() || nodes.getValue().size() == 2) {
            return;
        }
        problems.error(root.keyNode("isolation"), "isolation: needs exactly two nodes, the two DRBD peers, and nodes "
                + "lists " + nodes.getValue().size() + "; isolation arbitrates between a node and its one DRBD "
                + "peer: remove the isolation section, or list the two servers of the DRBD resource only");
    }

    private ClusterSettings readCluster(YamlSection root) {
        if (!root.has("cluster")) {
            problems.error(root.node(), "missing section 'cluster'; add cluster: { name: scluster, secret-file: "
                    + "/etc/sagent/secret }");
            return null;
        }
        Optional<YamlSection> found = root.section("cluster", "{ name: scluster, port: 7800 }");
        if (found.isEmpty()) {
            return null;
        }
        YamlSection section = found.get();
        String name = section.requiredText("name", "name: scluster").orElse("");
        if (!name.isEmpty() && !CLUSTER_NAME.matcher(name).matches()) {
            problems.error(section.value("name").orElseThrow(), "cluster.name: '" + name
                    + "' is not a valid cluster name; use letters, digits, '.', '_' and '-' (at most 64), e.g. scluster");
        }
        int port = agentPort(section, "port", ClusterSettings.DEFAULT_PORT);
        if (TAKEN_PORTS.containsKey(port)) {
            problems.error(section.value("port").orElseThrow(), "cluster.port: " + port + " is "
                    + TAKEN_PORTS.get(port) + "; pick a free port, e.g. " + ClusterSettings.DEFAULT_PORT);
        }
        int lanPort = agentPort(section, "lan-port", port + 1);
        if (lanPort == port) {
            problems.error(section.value("lan-port").orElseThrow(), "cluster.lan-port: " + lanPort
                    + " is cluster.port already; write lan-port: " + (port + 1));
        } else if (TAKEN_PORTS.containsKey(lanPort)) {
            problems.error(section.value("lan-port").orElseThrow(), "cluster.lan-port: " + lanPort + " is "
                    + TAKEN_PORTS.get(lanPort) + "; pick a free port, e.g. " + (port + 1));
        }
        Optional<Path> secret = section.text("secret-file").map(Path::of);
        if (secret.isEmpty()) {
            // Without it nothing the agents tell each other is authenticated, and a host on the LAN
            // could join either path as a node (the kernel accepts the replication address on eth1).
            problems.error(section.node(), "cluster.secret-file is missing: the agents authenticate everything "
                    + "they tell each other with a shared secret; create it on one node (head -c 32 /dev/urandom "
                    + "| base64 > /etc/sagent/secret; chmod 600 /etc/sagent/secret), copy it to the others, and "
                    + "add secret-file: /etc/sagent/secret under cluster:");
        }
        // Its mode and size first, then who owns it (its owner could read or replace it).
        secret.filter(file -> checkFiles).ifPresent(file -> secretFileProblem(file)
                .or(() -> secretOwners.problem(file)).ifPresent(why ->
                fileProblems.error(section.value("secret-file").orElseThrow(), "cluster.secret-file: " + file + " "
                        + why)));
        section.finish();
        return new ClusterSettings(name, port, lanPort, secret.orElse(Path.of("/etc/sagent/secret")));
    }

    // ---- Ports: each agent port also has its failure-detection port at + 100 (FD_SOCK2's offset
    // in membership-stack.xml), and the LAN port defaults to port + 1.

    /** The highest agent port whose failure-detection port (+ 100) is still a port. */
    static final int MAX_AGENT_PORT = 65535 - 100;

    /**
     * A port the agents listen on; out of range, or leaving no room for the ports derived from
     * it, is reported with the reason and the default is returned.
     */
    private int agentPort(YamlSection section, String key, int defaultValue) {
        if (!section.has(key)) {
            if (defaultValue > MAX_AGENT_PORT) {
                // Only the LAN port defaults to another (port + 1): the port is what to fix.
                problems.error(section.value("port").orElseThrow(), section.name("port") + ": " + (defaultValue - 1)
                        + " leaves no room for " + section.name(key) + ", which defaults to port + 1 (" + defaultValue
                        + ") and whose failure detection listens on that + 100 (" + (defaultValue + 100)
                        + "), beyond 65535; write port: " + (MAX_AGENT_PORT - 1) + " or lower, or set " + key);
            }
            return defaultValue;
        }
        int port = section.integer(key, defaultValue, 0, 999_999_999);
        if (port < 1 || port > MAX_AGENT_PORT) {
            problems.error(section.value(key).orElseThrow(), section.name(key) + ": " + port + " is out of range"
                    + (port < 1 ? "" : ": the agents' failure detection listens on " + key + " + 100 ("
                            + (port + 100) + "), beyond 65535") + "; write a number from 1 to " + MAX_AGENT_PORT);
            return defaultValue;
        }
        return port;
    }

    /** The secret must exist, hold enough bytes, and be readable by its owner (root) alone. */
    static Optional<String> secretFileProblem(Path file) {
        String create = "; create it on one node (head -c 32 /dev/urandom | base64 > " + file + "; chmod 600 "
                + file + ") and copy it to the others (scp -p): every node needs the same content";
        if (!file.isAbsolute()) {
            return Optional.of("is not an absolute path; write e.g. /etc/sagent/secret");
        }
        if (!Files.isRegularFile(file)) {
            return Optional.of("does not exist" + create);
        }
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                return Optional.of("is readable by others (mode "
                        + java.nio.file.attribute.PosixFilePermissions.toString(mode)
                        + "): anyone who reads it can speak for a node on the LAN; chmod 600 " + file);
            }
            if (Files.size(file) < 16) {
                return Optional.of("holds fewer than 16 bytes: too short to be a secret" + create);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of("cannot be checked: " + e.getMessage());
        }
        return Optional.empty();
    }

    private List<NodeSpec> readNodes(YamlSection root) {
        List<NodeSpec> nodes = new ArrayList<>();
        if (!root.has("nodes")) {
            problems.error(root.node(), "missing section 'nodes'; add one entry per server, e.g. nodes: "
                    + "[ { name: s0, replication-address: 10.0.0.10, lan-address: 172.20.0.20 } ]");
            return nodes;
        }
        Optional<List<Node>> items = root.list("nodes");
        if (items.isEmpty()) {
            return nodes;
        }
        if (items.get().isEmpty()) {
            problems.error(root.value("nodes").orElseThrow(), "nodes: the list is empty; add one entry per server");
        }
        Map<String, Node> names = new HashMap<>();
        Map<Integer, Node> numbers = new HashMap<>();
        Map<InetAddress, String> addresses = new HashMap<>();
        for (int i = 0; i < items.get().size(); i++) {
            Node item = items.get().get(i);
            Optional<YamlSection> found = YamlSection.of("nodes[" + i + "]", item, problems,
                    "name:, replication-address:, lan-address:");
            if (found.isEmpty()) {
                continue;
            }
            YamlSection section = found.get();
            String name = section.requiredText("name", "name: s" + i).orElse("");
            if (!name.isEmpty()) {
                declaredNodeNames.add(name);
            }
            if (!name.isEmpty() && !NODE_NAME.matcher(name).matches()) {
                problems.error(section.value("name").orElseThrow(), section.name("name") + ": '" + name
                        + "' is not a valid node name; use letters, digits, '.', '_' and '-', starting with a letter or digit");
            } else if (!name.isEmpty() && names.putIfAbsent(name, item) != null) {
                problems.error(section.value("name").orElseThrow(), section.name("name") + ": node name '" + name
                        + "' is used twice (first on line " + line(names.get(name)) + "); give each node its own name");
            }
            int number = section.integer("number", i, 0, 255);
            if (numbers.putIfAbsent(number, item) != null) {
                problems.error(section.value("number").map(n -> n).orElse(item), section.name("number") + ": node number "
                        + number + " is used twice (first on line " + line(numbers.get(number))
                        + "); give each node its own number, or leave number out to use the position in the list");
            }
            Optional<InetAddress> replication = section.address("replication-address", "10.0.0.1" + i);
            Optional<InetAddress> lan = section.address("lan-address", "172.20.0.2" + i);
            replication.ifPresent(a -> uniqueAddress(addresses, a, section, "replication-address", name));
            lan.ifPresent(a -> uniqueAddress(addresses, a, section, "lan-address", name));
            if (replication.isPresent()) {
                notAHostAddress(replication.get(), section, "replication-address", "10.0.0.1" + i);
            }
            if (lan.isPresent()) {
                notAHostAddress(lan.get(), section, "lan-address", "172.20.0.2" + i);
            }
            section.finish();
            if (replication.isPresent() && lan.isPresent()) {
                nodes.add(new NodeSpec(name, number, replication.get(), lan.get()));
            }
        }
        checkSameFamily(root, nodes);
        return nodes;
    }

    private void uniqueAddress(Map<InetAddress, String> seen, InetAddress address, YamlSection section, String key,
                               String node) {
        String where = key + " of node " + node;
        String previous = seen.putIfAbsent(address, where);
        if (previous != null) {
            problems.error(section.value(key).orElseThrow(), section.name(key) + ": " + address.getHostAddress()
                    + " is already the " + previous + "; each node address must be unique");
        }
    }

    /**
     * A node address is where its agent listens and where the others connect: an address that
     * names no single host (any, loopback, multicast, broadcast) cannot be one.
     */
    private void notAHostAddress(InetAddress address, YamlSection section, String key, String example) {
        notAHost(address).ifPresent(what -> problems.error(section.value(key).orElseThrow(), section.name(key) + ": "
                + address.getHostAddress() + " is " + what + ", not the node's own; write the address this node has on "
                + (key.startsWith("lan") ? "the LAN" : "the replication link") + ", e.g. " + example));
    }

    /** What {@code address} is when it names no single host, e.g. "a loopback address". */
    private static Optional<String> notAHost(InetAddress address) {
        return Optional.ofNullable(address.isAnyLocalAddress() ? "the unspecified address (any)"
                : address.isLoopbackAddress() ? "a loopback address"
                : address.isMulticastAddress() ? "a multicast address"
                : address.getHostAddress().equals("255.255.255.255") ? "the broadcast address"
                : null);
    }

    private void checkSameFamily(YamlSection root, List<NodeSpec> nodes) {
        long ipv4 = nodes.stream().filter(n -> n.replicationAddress() instanceof java.net.Inet4Address).count();
        if (ipv4 != 0 && ipv4 != nodes.size()) {
            problems.error(root.value("nodes").orElseThrow(), "nodes: replication addresses mix IPv4 and IPv6; "
                    + "the agents talk on one network, so use one family for all of them");
        }
    }

    private List<PublicAddressSpec> readPublicAddresses(YamlSection root, List<NodeSpec> nodes) {
        List<PublicAddressSpec> result = new ArrayList<>();
        if (!root.has("public-addresses")) {
            problems.error(root.node(), "missing section 'public-addresses'; add the service addresses clients use, e.g. "
                    + "public-addresses: [ { address: 172.20.1.20/16, interface: eth1, home: s0 } ]");
            return result;
        }
        Optional<List<Node>> items = root.list("public-addresses");
        if (items.isEmpty()) {
            return result;
        }
        if (items.get().isEmpty()) {
            problems.error(root.value("public-addresses").orElseThrow(),
                    "public-addresses: the list is empty; add the service addresses clients use");
        }
        Set<String> nodeNames = declaredNodeNames;
        Map<InetAddress, String> nodeAddresses = new HashMap<>();
        for (NodeSpec node : nodes) {
            nodeAddresses.put(node.replicationAddress(), "the replication address of node " + node.name());
            nodeAddresses.put(node.lanAddress(), "the LAN address of node " + node.name());
        }
        Map<InetAddress, Node> seen = new HashMap<>();
        List<WrittenPrefix> onTheLan = new ArrayList<>();
        for (int i = 0; i < items.get().size(); i++) {
            Node item = items.get().get(i);
            Optional<YamlSection> found = YamlSection.of("public-addresses[" + i + "]", item, problems,
                    "{ address: 172.20.1.20/16, interface: eth1, home: s0 }");
            if (found.isEmpty()) {
                continue;
            }
            YamlSection section = found.get();
            Optional<IpPrefix> prefix = readPrefix(section);
            String interfaceName = section.requiredText("interface", "interface: eth1").orElse("");
            if (!interfaceName.isEmpty()) {
                interfaceNameProblem(interfaceName).ifPresent(why -> problems.error(section.value("interface")
                        .orElseThrow(), section.name("interface") + ": '" + interfaceName + "' " + why));
            }
            String home = defaultHome(i, nodes);
            if (section.has("home")) {
                Optional<String> written = section.text("home");
                if (written.isPresent() && !nodeNames.isEmpty() && !nodeNames.contains(written.get())) {
                    problems.error(section.value("home").orElseThrow(), section.name("home") + ": no node is named '"
                            + written.get() + "'" + Suggestions.didYouMean(written.get(), nodeNames)
                            + "; nodes: " + String.join(", ", nodeNames));
                }
                home = written.orElse(home);
            }
            if (prefix.isPresent()) {
                InetAddress address = prefix.get().address();
                Node valueNode = section.value("address").orElseThrow();
                if (seen.putIfAbsent(address, valueNode) != null) {
                    problems.error(valueNode, section.name("address") + ": " + address.getHostAddress()
                            + " is listed twice (first on line " + line(seen.get(address)) + "); list each public address once");
                } else if (nodeAddresses.containsKey(address)) {
                    problems.error(valueNode, section.name("address") + ": " + address.getHostAddress() + " is "
                            + nodeAddresses.get(address) + "; a public address must be one that moves, not a node's own");
                }
                onTheLan(prefix.get(), section, nodes, onTheLan);
            }
            section.finish();
            if (prefix.isPresent() && !interfaceName.isEmpty()) {
                result.add(new PublicAddressSpec(prefix.get(), interfaceName, home));
            }
        }
        return result;
    }

    // ---- Public addresses and the LAN. A public address is written with the LAN's prefix length
    // (spec: the LAN is the network that carries the public addresses, and each node's
    // lan-address is its own address there). Two mistakes pass every other rule and break
    // hosting: a prefix that leaves the nodes' own addresses outside (a wrong length such as /32
    // or /24 for a /16 LAN, or another subnet: the address becomes the primary address of a
    // subnet of its own, the source of the node's own traffic there, and removing it drops that
    // subnet's other addresses unless promote_secondaries is on), and addresses of one subnet
    // written with different lengths (a node then holds them in two overlapping networks).

    /** A public address as written, with where it was written. */
    private record WrittenPrefix(IpPrefix prefix, String key, Node at) {
    }

    private void onTheLan(IpPrefix prefix, YamlSection section, List<NodeSpec> nodes, List<WrittenPrefix> earlier) {
        Node at = section.value("address").orElseThrow();
        List<NodeSpec> outside = nodes.stream()
                .filter(n -> n.lanAddress().getAddress().length == prefix.address().getAddress().length)
                // A lan-address such as 127.0.0.1 is an error of its own, not a hint about the LAN.
                .filter(n -> notAHost(n.lanAddress()).isEmpty())
                .filter(n -> !prefix.contains(n.lanAddress()))
                .toList();
        if (!outside.isEmpty()) {
            problems.error(at, section.name("address") + ": " + prefix + " is outside the LAN: "
                    + outside.stream().map(n -> n.name() + "'s lan-address " + n.lanAddress().getHostAddress())
                            .collect(java.util.stream.Collectors.joining(", "))
                    + (outside.size() == 1 ? " is" : " are") + " not in " + prefix.network()
                    + "; write an address of the LAN's subnet with the LAN's prefix length (ip -brief address "
                    + "shows it beside the lan-address)");
        } else {
            earlier.stream()
                    .filter(e -> e.prefix().isIpv4() == prefix.isIpv4())
                    .filter(e -> e.prefix().prefixLength() != prefix.prefixLength())
                    .filter(e -> e.prefix().overlaps(prefix))
                    .findFirst()
                    .ifPresent(e -> problems.error(at, section.name("address") + ": " + prefix + " is in the subnet of "
                            + e.key() + " (" + e.prefix() + ", line " + line(e.at()) + ") with another prefix length; "
                            + "the addresses of one LAN share its prefix length: write "
                            + prefix.address().getHostAddress() + "/" + e.prefix().prefixLength()
                            + " or correct the other"));
        }
        earlier.add(new WrittenPrefix(prefix, section.name("address"), at));
    }

    /** The spec's default: the n-th address's home is the n-th node, round robin past the last. */
    private static String defaultHome(int index, List<NodeSpec> nodes) {
        if (nodes.isEmpty()) {
            return "";
        }
        List<NodeSpec> byNumber = nodes.stream().sorted((a, b) -> Integer.compare(a.number(), b.number())).toList();
        return byNumber.get(index % byNumber.size()).name();
    }

    private Optional<IpPrefix> readPrefix(YamlSection section) {
        Optional<String> text = section.requiredText("address", "address: 172.20.1.20/16");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String value = text.get().trim();
        Node at = section.value("address").orElseThrow();
        Optional<IpPrefix> prefix = IpPrefix.parse(value);
        if (prefix.isPresent()) {
            if (prefix.get().prefixLength() == 0) {
                problems.error(at, section.name("address") + ": a /0 prefix would make the whole Internet on-link; "
                        + "write the LAN's prefix length, e.g. " + prefix.get().address().getHostAddress() + "/24");
                return Optional.empty();
            }
            return prefix;
        }
        int slash = value.indexOf('/');
        String bare = slash < 0 ? value : value.substring(0, slash);
        Optional<InetAddress> address = IpLiterals.parse(bare);
        if (address.isEmpty()) {
            problems.error(at, section.name("address") + ": '" + value + "' is not an IP address with a prefix length; "
                    + "write e.g. 172.20.1.20/16 or 2001:db8::20/64");
        } else if (slash < 0) {
            problems.error(at, section.name("address") + ": '" + value + "' has no prefix length; write "
                    + value + "/" + (address.get() instanceof java.net.Inet4Address ? "24" : "64")
                    + " with the LAN's real prefix length");
        } else {
            problems.error(at, section.name("address") + ": prefix length '" + value.substring(slash + 1)
                    + "' is out of range; write a number from 1 to " + IpLiterals.maxPrefixLength(address.get()));
        }
        return Optional.empty();
    }

    /** Linux's own rules for interface names (dev_valid_name), and the alias mistake. */
    static Optional<String> interfaceNameProblem(String name) {
        if (name.length() > 15) {
            return Optional.of("is longer than 15 characters, the kernel's limit for interface names");
        }
        if (name.equals(".") || name.equals("..") || name.contains("/") || !name.chars().noneMatch(Character::isWhitespace)) {
            return Optional.of("is not a valid interface name (no '/', no spaces, not '.' or '..')");
        }
        if (name.contains(":")) {
            return Optional.of("is an alias label, not an interface; write the interface itself, e.g. "
                    + name.substring(0, name.indexOf(':')));
        }
        return Optional.empty();
    }

    private FailoverSettings readFailover(YamlSection root) {
        Optional<YamlSection> found = root.section("failover", "{ failure-timeout: 1s, failback: auto }");
        if (found.isEmpty()) {
            return new FailoverSettings(FailoverSettings.DEFAULT_HEARTBEAT_INTERVAL,
                    FailoverSettings.DEFAULT_FAILURE_TIMEOUT, FailoverSettings.DEFAULT_FAILBACK,
                    FailoverSettings.DEFAULT_FAILBACK_DELAY, FailoverSettings.DEFAULT_CARRIER_POLL_INTERVAL,
                    FailoverSettings.DEFAULT_PEER_CHECK_TIMEOUT);
        }
        YamlSection section = found.get();
        Duration heartbeat = atLeast(section, "heartbeat-interval",
                section.duration("heartbeat-interval", FailoverSettings.DEFAULT_HEARTBEAT_INTERVAL), Duration.ofMillis(10));
        Duration failureTimeout = section.duration("failure-timeout", FailoverSettings.DEFAULT_FAILURE_TIMEOUT);
        if (failureTimeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
            Node at = section.value("failure-timeout").orElse(section.keyNode("heartbeat-interval"));
            problems.error(at, "failover.failure-timeout (" + DurationText.format(failureTimeout)
                    + ") must be at least twice failover.heartbeat-interval (" + DurationText.format(heartbeat)
                    + "), or one late heartbeat fails a healthy node over; write failure-timeout: "
                    + DurationText.format(heartbeat.multipliedBy(5)) + " or lower the heartbeat interval");
        } else if (failureTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
            problems.warning(section.value("failure-timeout").orElseThrow(), "failover.failure-timeout ("
                    + DurationText.format(failureTimeout) + ") leaves clients without service that long after a power loss");
        }
        FailbackMode failback = FailoverSettings.DEFAULT_FAILBACK;
        Optional<String> mode = section.text("failback");
        if (mode.isPresent()) {
            try {
                failback = FailbackMode.valueOf(mode.get().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.error(section.value("failback").orElseThrow(), "failover.failback: '" + mode.get()
                        + "' is not a failback mode; write auto or manual");
            }
        }
        Duration failbackDelay = section.duration("failback-delay", FailoverSettings.DEFAULT_FAILBACK_DELAY);
        Duration carrierPoll = between(section, "carrier-poll-interval", section.duration("carrier-poll-interval",
                FailoverSettings.DEFAULT_CARRIER_POLL_INTERVAL), Duration.ofMillis(10), Duration.ofSeconds(1));
        Duration peerCheck = between(section, "peer-check-timeout", section.duration("peer-check-timeout",
                FailoverSettings.DEFAULT_PEER_CHECK_TIMEOUT), Duration.ofMillis(10), Duration.ofSeconds(2));
        section.finish();
        return new FailoverSettings(heartbeat, failureTimeout, failback, failbackDelay, carrierPoll, peerCheck);
    }

    private AnnounceSettings readAnnounce(YamlSection root) {
        Optional<YamlSection> found = root.section("announce", "{ count: 3, interval: 100ms }");
        if (found.isEmpty()) {
            return new AnnounceSettings(AnnounceSettings.DEFAULT_COUNT, AnnounceSettings.DEFAULT_INTERVAL);
        }
        YamlSection section = found.get();
        int count = section.integer("count", AnnounceSettings.DEFAULT_COUNT, 1, 30);
        Duration interval = between(section, "interval", section.duration("interval", AnnounceSettings.DEFAULT_INTERVAL),
                Duration.ofMillis(1), Duration.ofSeconds(10));
        section.finish();
        return new AnnounceSettings(count, interval);
    }

    private MetricsSettings readMetrics(YamlSection root, ClusterSettings cluster, List<NodeSpec> nodes,
            List<PublicAddressSpec> addresses) {
        Optional<YamlSection> found = root.section("metrics", "{ listen: " + MetricsSettings.DEFAULT_PORT + " }");
        if (found.isEmpty()) {
            return MetricsSettings.defaults();
        }
        YamlSection section = found.get();
        Optional<Optional<MetricsSettings.Listen>> listen = section.typed("listen", MetricsSettings::parse,
                "a port, an address and port, or off; write e.g. "
                        + MetricsSettings.DEFAULT_PORT + ", 127.0.0.1:" + MetricsSettings.DEFAULT_PORT + ", [::1]:"
                        + MetricsSettings.DEFAULT_PORT + " or off");
        section.finish();
        if (listen.isEmpty() || listen.get().isEmpty()) {
            return listen.map(MetricsSettings::new).orElseGet(MetricsSettings::defaults);
        }
        MetricsSettings.Listen where = listen.get().get();
        Node at = section.value("listen").orElseThrow();
        int port = where.port();
        if (TAKEN_PORTS.containsKey(port)) {
            problems.error(at, "metrics.listen: port " + port + " is " + TAKEN_PORTS.get(port)
                    + "; pick a free port, e.g. " + MetricsSettings.DEFAULT_PORT);
        } else if (cluster != null && List.of(cluster.port(), cluster.lanPort(), cluster.port() + 100,
                cluster.lanPort() + 100).contains(port)) {
            problems.error(at, "metrics.listen: port " + port + " is the cluster's own (cluster.port, cluster.lan-port, "
                    + "or either + 100 for failure detection); pick another, e.g. " + MetricsSettings.DEFAULT_PORT);
        }
        if (where instanceof MetricsSettings.Listen.Fixed fixed) {
            InetAddress address = fixed.address().getAddress();
            Optional<NodeSpec> owner = nodes.stream().filter(n -> n.replicationAddress().equals(address)
                    || n.lanAddress().equals(address)).findFirst();
            if (addresses.stream().anyMatch(a -> a.address().address().equals(address))) {
                problems.error(at, "metrics.listen: " + address.getHostAddress() + " is a public address: it moves "
                        + "between the nodes and faces the clients; write the port alone (" + port
                        + ") and each node serves on its own lan-address");
            } else if (owner.isPresent()) {
                // The file is the same on every node: the others could not listen there.
                problems.error(at, "metrics.listen: " + address.getHostAddress() + " is " + owner.get().name()
                        + "'s own address, and every node reads this file; write the port alone (" + port
                        + ") and each node serves on its own lan-address");
            } else if (address.isAnyLocalAddress()) {
                problems.warning(at, "metrics.listen: " + address.getHostAddress() + " serves /metrics on every "
                        + "address of the node, the public addresses included (to the clients, wherever the addresses "
                        + "move); write the port alone (" + port + ") to serve on each node's lan-address only");
            }
        }
        return new MetricsSettings(listen.get());
    }

    private ConnectionsSettings readConnections(YamlSection root) {
        Optional<YamlSection> found = root.section("connections", "{ interval: 3s, max-per-address: 256, tickle: true }");
        if (found.isEmpty()) {
            return ConnectionsSettings.defaults();
        }
        YamlSection section = found.get();
        Duration interval = between(section, "interval", section.duration("interval",
                ConnectionsSettings.DEFAULT_INTERVAL), Duration.ofMillis(500), Duration.ofMinutes(1));
        int max = section.integer("max-per-address", ConnectionsSettings.DEFAULT_MAX_PER_ADDRESS, 1, 4096);
        boolean tickle = section.bool("tickle", true);
        boolean kill = section.bool("kill-on-release", true);
        section.finish();
        return new ConnectionsSettings(interval, max, tickle, kill);
    }

    private IsolationSettings readIsolation(YamlSection root, List<NodeSpec> nodes, List<PublicAddressSpec> addresses) {
        Optional<YamlSection> found = root.section("isolation", "{ witnesses: [192.0.2.1], tie-break: lowest-number, "
                + "action: reboot }");
        if (found.isEmpty()) {
            return IsolationSettings.off();
        }
        YamlSection section = found.get();
        List<java.net.Inet4Address> witnesses = new ArrayList<>();
        if (!section.has("witnesses")) {
            problems.error(section.node(), "isolation: missing key 'witnesses'; list the LAN addresses a node must "
                    + "reach to keep writing, e.g. witnesses: [192.0.2.1] (the LAN router)");
        }
        section.textList("witnesses").ifPresent(items -> {
            if (items.isEmpty()) {
                problems.error(section.value("witnesses").orElseThrow(), "isolation.witnesses: the list is empty; "
                        + "name at least one LAN address that answers ping, e.g. the router");
            }
            for (ScalarNode item : items) {
                Optional<InetAddress> parsed = item.getValue().contains("/") ? Optional.empty()
                        : IpLiterals.parse(item.getValue());
                if (parsed.isEmpty() || !(parsed.get() instanceof java.net.Inet4Address v4)) {
                    problems.error(item, "isolation.witnesses: '" + item.getValue() + "' is not an IPv4 address; "
                            + "witnesses are pinged over IPv4, so write a bare IPv4 address such as 192.0.2.1");
                } else if (nodes.stream().anyMatch(n -> n.lanAddress().equals(v4) || n.replicationAddress().equals(v4))) {
                    problems.error(item, "isolation.witnesses: " + item.getValue() + " is a node's own address; a "
                            + "witness must be a third host on the LAN (the router, a switch, a printer)");
                } else if (addresses.stream().anyMatch(a -> a.address().address().equals(v4))) {
                    problems.error(item, "isolation.witnesses: " + item.getValue() + " is a public address; a "
                            + "witness must be a third host on the LAN (the router, a switch, a printer)");
                } else if (witnesses.contains(v4)) {
                    problems.error(item, "isolation.witnesses: " + item.getValue() + " is listed twice; list it once");
                } else {
                    witnesses.add(v4);
                }
            }
            if (witnesses.size() > 1 && witnesses.size() % 2 == 0) {
                int needed = witnesses.size() / 2 + 1; // core.WitnessQuorum's rule (config cannot use core)
                problems.warning(section.value("witnesses").orElseThrow(), "isolation.witnesses: " + witnesses.size()
                        + " witnesses: a node reaches the witness only when a strict majority answers (" + needed
                        + " of " + witnesses.size() + "), so " + (witnesses.size() - needed + 1) + " down stop every "
                        + "arbitration, as with " + (witnesses.size() - 1) + "; list an odd number");
            }
        });
        Duration timeout = between(section, "witness-timeout", section.duration("witness-timeout",
                IsolationSettings.DEFAULT_WITNESS_TIMEOUT), Duration.ofMillis(10), Duration.ofSeconds(5));
        Duration interval = between(section, "witness-interval", section.duration("witness-interval",
                IsolationSettings.DEFAULT_WITNESS_INTERVAL), Duration.ofMillis(100), Duration.ofMinutes(1));
        Optional<String> preferred = Optional.empty();
        Optional<String> tieBreak = section.text("tie-break");
        if (tieBreak.isPresent() && !tieBreak.get().equals("lowest-number")) {
            if (nodes.stream().anyMatch(n -> n.name().equals(tieBreak.get()))) {
                preferred = tieBreak;
            } else {
                problems.error(section.value("tie-break").orElseThrow(), "isolation.tie-break: '" + tieBreak.get()
                        + "' is neither lowest-number nor a node of this cluster; write lowest-number (the node o2cb "
                        + "keeps, recommended) or one of " + nodes.stream().map(NodeSpec::name).toList());
            }
        }
        IsolationSettings.Action action = section.typed("action", text -> switch (text) {
            case "reboot" -> Optional.of(IsolationSettings.Action.REBOOT);
            case "stay-frozen" -> Optional.of(IsolationSettings.Action.STAY_FROZEN);
            default -> Optional.<IsolationSettings.Action>empty();
        }, "one of reboot, stay-frozen; write action: reboot (the default) or action: stay-frozen").orElse(IsolationSettings.Action.REBOOT);
        Duration deadline = between(section, "handler-deadline", section.duration("handler-deadline",
                IsolationSettings.DEFAULT_HANDLER_DEADLINE), Duration.ofSeconds(1), Duration.ofSeconds(50));
        Duration silence = between(section, "peer-silence", section.duration("peer-silence",
                IsolationSettings.DEFAULT_PEER_SILENCE), Duration.ofMillis(500), Duration.ofSeconds(30));
        Optional<Duration> disconnectAfter;
        if (section.text("drbd-disconnect-after").map(t -> t.trim().equals("off")).orElse(false)) {
            disconnectAfter = Optional.empty();
        } else {
            disconnectAfter = Optional.of(between(section, "drbd-disconnect-after", section.duration(
                    "drbd-disconnect-after", IsolationSettings.DEFAULT_DRBD_DISCONNECT_AFTER), Duration.ofMillis(200),
                    Duration.ofMinutes(1)));
        }
        section.finish();
        return new IsolationSettings(true, witnesses, timeout, interval, preferred, action, deadline, silence,
                disconnectAfter);
    }

    private ProbeSettings readProbe(YamlSection root) {
        Optional<YamlSection> found = root.section("probe", "{ count: 3, interval: 20ms, wait: 40ms }");
        if (found.isEmpty()) {
            return new ProbeSettings(ProbeSettings.DEFAULT_COUNT, ProbeSettings.DEFAULT_INTERVAL, ProbeSettings.DEFAULT_WAIT);
        }
        YamlSection section = found.get();
        int count = section.integer("count", ProbeSettings.DEFAULT_COUNT, 1, 10);
        Duration interval = between(section, "interval", section.duration("interval", ProbeSettings.DEFAULT_INTERVAL),
                Duration.ofMillis(1), Duration.ofSeconds(1));
        Duration wait = between(section, "wait", section.duration("wait", ProbeSettings.DEFAULT_WAIT),
                Duration.ofMillis(1), Duration.ofSeconds(5));
        section.finish();
        return new ProbeSettings(count, interval, wait);
    }

    private HealthSettings readHealth(YamlSection root) {
        Optional<YamlSection> found = root.section("health", "{ interval: 2s, drbd: { resources: [sstorage] } }");
        if (found.isEmpty()) {
            problems.warning(root.has("health") ? root.value("health").orElseThrow() : root.node(),
                    "no health checks are configured: this node will serve whenever its agent runs, even with "
                            + "DRBD, OCFS2 or Samba down; add a health: section (see the commented example)");
            return new HealthSettings(HealthSettings.DEFAULT_INTERVAL, HealthSettings.DEFAULT_TIMEOUT,
                    HealthSettings.DEFAULT_RISE, HealthSettings.DEFAULT_FALL, Optional.empty(), Optional.empty(),
                    Optional.empty(), List.of());
        }
        YamlSection section = found.get();
        Duration interval = atLeast(section, "interval", section.duration("interval", HealthSettings.DEFAULT_INTERVAL),
                Duration.ofMillis(100));
        Duration timeout = section.duration("timeout", interval.compareTo(HealthSettings.DEFAULT_TIMEOUT) < 0
                ? interval : HealthSettings.DEFAULT_TIMEOUT);
        if (timeout.compareTo(interval) > 0) {
            problems.error(section.value("timeout").orElseThrow(), "health.timeout (" + DurationText.format(timeout)
                    + ") is longer than health.interval (" + DurationText.format(interval)
                    + "); a check must end before its next turn: write timeout: " + DurationText.format(interval)
                    + " or less, or raise the interval");
        }
        longEnoughForACheck(section, "timeout", timeout, interval);
        int rise = section.integer("rise", HealthSettings.DEFAULT_RISE, 1, 100);
        int fall = section.integer("fall", HealthSettings.DEFAULT_FALL, 1, 100);
        Optional<HealthSettings.Drbd> drbd = readDrbd(section);
        Optional<HealthSettings.Ocfs2> ocfs2 = readOcfs2(section);
        Optional<HealthSettings.Samba> samba = readSamba(section);
        List<HealthSettings.Script> scripts = readScripts(section, interval, timeout);
        if (drbd.isEmpty() && ocfs2.isEmpty() && samba.isEmpty() && scripts.isEmpty() && !problems.hasErrors()) {
            problems.warning(section.node(), "health: no checks are configured (drbd, ocfs2, samba or scripts): this "
                    + "node will serve whenever its agent runs");
        }
        section.finish();
        return new HealthSettings(interval, timeout, rise, fall, drbd, ocfs2, samba, scripts);
    }

    private Optional<HealthSettings.Drbd> readDrbd(YamlSection health) {
        Optional<YamlSection> found = health.section("drbd", "drbd: { resources: [sstorage] }");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        YamlSection section = found.get();
        List<String> resources = new ArrayList<>();
        if (!section.has("resources")) {
            problems.error(section.node(), "health.drbd: missing key 'resources'; add resources: [sstorage]");
        }
        section.textList("resources").ifPresent(items -> {
            if (items.isEmpty()) {
                problems.error(section.value("resources").orElseThrow(),
                        "health.drbd.resources: the list is empty; name the DRBD resources, e.g. [sstorage]");
            }
            for (ScalarNode item : items) {
                String name = item.getValue();
                if (!DRBD_RESOURCE.matcher(name).matches()) {
                    problems.error(item, "health.drbd.resources: '" + name + "' is not a DRBD resource name "
                            + "(the name after 'resource' in /etc/drbd.d/*.res)");
                } else if (resources.contains(name)) {
                    problems.error(item, "health.drbd.resources: '" + name + "' is listed twice; list it once");
                } else {
                    resources.add(name);
                }
            }
        });
        section.finish();
        return Optional.of(new HealthSettings.Drbd(resources));
    }

    private Optional<HealthSettings.Ocfs2> readOcfs2(YamlSection health) {
        Optional<YamlSection> found = health.section("ocfs2", "ocfs2: { mount: /srv/scluster, cluster: scluster }");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        YamlSection section = found.get();
        Optional<String> mount = section.requiredText("mount", "mount: /srv/scluster");
        mount.filter(m -> !m.startsWith("/") || m.contains("\0")).ifPresent(m -> problems.error(
                section.value("mount").orElseThrow(), "health.ocfs2.mount: '" + m
                        + "' is not an absolute path; write the mount point as in /etc/fstab, e.g. /srv/scluster"));
        mount.filter(ConfigParser::isTheRootDirectory).ifPresent(m -> problems.error(
                section.value("mount").orElseThrow(), "health.ocfs2.mount: '" + m + "' is the root file system, "
                        + "never the shared OCFS2 volume; write its own mount point as in /etc/fstab, e.g. /srv/scluster"));
        Optional<String> cluster = section.requiredText("cluster", "cluster: scluster");
        cluster.filter(c -> !O2CB_CLUSTER.matcher(c).matches()).ifPresent(c -> problems.error(
                section.value("cluster").orElseThrow(), "health.ocfs2.cluster: '" + c
                        + "' is not an o2cb cluster name (letters, digits, '_' and '-', at most 16); write the name "
                        + "from /etc/ocfs2/cluster.conf, e.g. scluster"));
        section.finish();
        if (mount.isEmpty() || cluster.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new HealthSettings.Ocfs2(Path.of(mount.get()).normalize(), cluster.get()));
    }

    private Optional<HealthSettings.Samba> readSamba(YamlSection health) {
        Optional<YamlSection> found = health.section("samba", "samba: { unit: smbd.service }");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        YamlSection section = found.get();
        Optional<String> unit = section.text("unit");
        unit.filter(u -> !UNIT_NAME.matcher(u).matches()).ifPresent(u -> problems.error(
                section.value("unit").orElseThrow(), "health.samba.unit: '" + u
                        + "' is not a systemd unit name; write the full name, e.g. smbd.service"));
        Optional<Integer> port = section.has("port") ? Optional.of(section.integer("port", 445, 1, 65535))
                : Optional.empty();
        if (unit.isPresent() && port.isPresent()) {
            problems.error(section.keyNode("port"), "health.samba: give either unit or port, not both; the unit "
                    + "state is the better signal: keep unit: " + unit.get());
        }
        section.finish();
        if (unit.isEmpty() && port.isEmpty()) {
            unit = Optional.of(HealthSettings.Samba.DEFAULT_UNIT);
        }
        return Optional.of(new HealthSettings.Samba(unit, port));
    }

    private List<HealthSettings.Script> readScripts(YamlSection health, Duration interval, Duration defaultTimeout) {
        List<HealthSettings.Script> scripts = new ArrayList<>();
        Optional<List<Node>> items = health.list("scripts");
        if (items.isEmpty()) {
            return scripts;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < items.get().size(); i++) {
            Optional<YamlSection> found = YamlSection.of("health.scripts[" + i + "]", items.get().get(i), problems,
                    "{ name: quorum-disk, command: [/usr/local/sbin/check-quorum], timeout: 1s }");
            if (found.isEmpty()) {
                continue;
            }
            YamlSection section = found.get();
            String name = section.requiredText("name", "name: my-check").orElse("");
            if (!name.isEmpty() && !NODE_NAME.matcher(name).matches()) {
                problems.error(section.value("name").orElseThrow(), section.name("name") + ": '" + name
                        + "' is not a valid check name; use letters, digits, '.', '_' and '-'");
            } else if (!name.isEmpty() && !names.add(name)) {
                problems.error(section.value("name").orElseThrow(), section.name("name") + ": check name '" + name
                        + "' is used twice; give each script its own name");
            }
            List<String> command = new ArrayList<>();
            if (!section.has("command")) {
                problems.error(section.node(), section.path() + ": missing key 'command'; add command: [/path/to/check, ARG]");
            }
            section.textList("command").ifPresent(parts -> parts.forEach(p -> command.add(p.getValue())));
            if (section.has("command") && command.isEmpty() && section.value("command").orElseThrow()
                    instanceof org.snakeyaml.engine.v2.nodes.SequenceNode) {
                problems.error(section.value("command").orElseThrow(), section.name("command")
                        + ": the list is empty; write the program and its arguments, e.g. [/usr/local/sbin/check, --quiet]");
            }
            if (!command.isEmpty()) {
                Node first = ((org.snakeyaml.engine.v2.nodes.SequenceNode) section.value("command").orElseThrow())
                        .getValue().get(0);
                String program = command.get(0);
                if (!program.startsWith("/")) {
                    problems.error(first, section.name("command") + ": '" + program + "' is not an absolute path; "
                            + "the agent runs with a minimal PATH, so write the full path (command -v " + program + " tells it)");
                } else if (!java.nio.file.Files.isExecutable(Path.of(program))) {
                    problems.warning(first, section.name("command") + ": " + program
                            + " is not an executable file on this machine; the check will fail until it is");
                }
            }
            Duration timeout = section.duration("timeout", defaultTimeout);
            if (timeout.compareTo(interval) > 0) {
                problems.error(section.value("timeout").orElseThrow(), section.name("timeout") + " ("
                        + DurationText.format(timeout) + ") is longer than health.interval (" + DurationText.format(interval)
                        + "); write timeout: " + DurationText.format(interval) + " or less");
            }
            longEnoughForACheck(section, "timeout", timeout, interval);
            section.finish();
            scripts.add(new HealthSettings.Script(name, command, timeout));
        }
        return scripts;
    }

    // ---- Health timings that could never let a node become healthy.

    /** Below this no check can finish: even a local systemctl or drbdsetup call takes longer. */
    static final Duration MIN_CHECK_TIMEOUT = Duration.ofMillis(100);

    private void longEnoughForACheck(YamlSection section, String key, Duration timeout, Duration interval) {
        // Not written: the default is health.timeout's, and a bad one is reported there.
        Optional<Node> written = section.value(key);
        if (written.isPresent() && timeout.compareTo(MIN_CHECK_TIMEOUT) < 0) {
            problems.error(written.get(), section.name(key) + " (" + DurationText.format(timeout)
                    + ") is too short for any check to finish, so this node would never become healthy; write "
                    + key + ": " + DurationText.format(MIN_CHECK_TIMEOUT) + " or more (at most health.interval, "
                    + DurationText.format(interval) + ")");
        }
    }

    private static boolean isTheRootDirectory(String mount) {
        return mount.startsWith("/") && !mount.contains("\0") && Path.of(mount).normalize().getNameCount() == 0;
    }

    private Duration atLeast(YamlSection section, String key, Duration value, Duration minimum) {
        return between(section, key, value, minimum, Duration.ofDays(1));
    }

    private Duration between(YamlSection section, String key, Duration value, Duration minimum, Duration maximum) {
        if (value.compareTo(minimum) < 0 || value.compareTo(maximum) > 0) {
            problems.error(section.value(key).orElseThrow(), section.name(key) + ": " + DurationText.format(value)
                    + " is out of range; write a duration from " + DurationText.format(minimum) + " to "
                    + DurationText.format(maximum));
            return minimum;
        }
        return value;
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }
}
