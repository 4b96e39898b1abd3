package org.sagent.agent.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One YAML mapping of the configuration, read key by key with typed getters.
 *
 * <p>Every getter records its key as known and reports a bad value at the value's own
 * position; {@link #finish()} then reports the keys nobody asked for. Getters never throw:
 * on a bad value they report it and return empty, so one run finds every problem.
 */
final class YamlSection {

    private final String path;
    private final Node node;
    private final ProblemSink problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> known = new LinkedHashSet<>();

    private YamlSection(String path, Node node, ProblemSink problems) {
        this.path = path;
        this.node = node;
        this.problems = problems;
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                    problems.error(tuple.getKeyNode(), where() + "keys are plain words; write key: value");
                    continue;
                }
                if (entries.containsKey(key.getValue())) {
                    problems.error(key, where() + "key '" + key.getValue() + "' appears twice (first on line "
                            + entries.get(key.getValue()).getKeyNode().getStartMark().map(m -> m.getLine() + 1).orElse(1)
                            + "); keep one of them");
                    continue;
                }
                entries.put(key.getValue(), tuple);
            }
        }
    }

    /** The section at {@code node}, or empty (reported) when it is not a mapping. */
    static Optional<YamlSection> of(String path, Node node, ProblemSink problems, String example) {
        if (!(node instanceof MappingNode)) {
            problems.error(node, (path.isEmpty() ? "the file" : path) + " must be a mapping of keys to values; write "
                    + example);
            return Optional.empty();
        }
        return Optional.of(new YamlSection(path, node, problems));
    }

    Node node() {
        return node;
    }

    String path() {
        return path;
    }

    boolean has(String key) {
        known.add(key);
        return entries.containsKey(key);
    }

    Optional<Node> value(String key) {
        known.add(key);
        NodeTuple tuple = entries.get(key);
        return tuple == null ? Optional.empty() : Optional.of(tuple.getValueNode());
    }

    /** The node of the key itself, for problems about the key rather than its value. */
    Node keyNode(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? node : tuple.getKeyNode();
    }

    /** A plain text value; empty when absent or reported. */
    Optional<String> text(String key) {
        Optional<Node> value = value(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!(value.get() instanceof ScalarNode scalar)) {
            problems.error(value.get(), name(key) + ": expected a single value, found a "
                    + kind(value.get()));
            return Optional.empty();
        }
        if (scalar.getValue().isEmpty() && scalar.isPlain()) {
            problems.error(keyNode(key), name(key) + ": has no value; write " + key + ": VALUE or remove the line");
            return Optional.empty();
        }
        return Optional.of(scalar.getValue());
    }

    /** A required text value; reports its absence, or a quoted empty or blank value, with an example line. */
    Optional<String> requiredText(String key, String example) {
        if (!has(key)) {
            problems.error(node, where() + "missing key '" + key + "'; add " + example);
            return Optional.empty();
        }
        Optional<String> text = text(key);
        if (text.isPresent() && text.get().isBlank()) {
            // "" or "  " passes as a value in YAML, but no required setting can be empty.
            problems.error(value(key).orElseThrow(), name(key) + ": is empty; write " + example);
            return Optional.empty();
        }
        return text;
    }

    /** A value converted by {@code parse}; {@code expectation} says what was wanted, e.g. "a duration such as 2s". */
    <T> Optional<T> typed(String key, Function<String, Optional<T>> parse, String expectation) {
        Optional<String> raw = text(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        Optional<T> parsed = parse.apply(raw.get().trim());
        if (parsed.isEmpty()) {
            problems.error(value(key).orElseThrow(), name(key) + ": '" + raw.get() + "' is not " + expectation);
        }
        return parsed;
    }

    Duration duration(String key, Duration defaultValue) {
        return typed(key, DurationText::parse, "a duration; write a number and a unit, e.g. 200ms, 2s, 1m")
                .orElse(defaultValue);
    }

    boolean bool(String key, boolean defaultValue) {
        return typed(key, text -> switch (text) {
            case "true", "yes", "on" -> java.util.Optional.of(true);
            case "false", "no", "off" -> java.util.Optional.of(false);
            default -> java.util.Optional.<Boolean>empty();
        }, "true or false; write e.g. " + defaultValue).orElse(defaultValue);
    }

    int integer(String key, int defaultValue, int min, int max) {
        Optional<Integer> parsed = typed(key, YamlSection::parseInt, "a whole number; write e.g. " + defaultValue);
        if (parsed.isPresent() && (parsed.get() < min || parsed.get() > max)) {
            problems.error(value(key).orElseThrow(), name(key) + ": " + parsed.get() + " is out of range; write a number from "
                    + min + " to " + max);
            return defaultValue;
        }
        return parsed.orElse(defaultValue);
    }

    Optional<InetAddress> address(String key, String example) {
        if (!has(key)) {
            problems.error(node, where() + "missing key '" + key + "'; add " + key + ": " + example);
            return Optional.empty();
        }
        return typed(key, text -> text.contains("/") ? Optional.empty() : IpLiterals.parse(text),
                "an IP address; write a bare address such as " + example + " (no prefix length, no host name)");
    }

    /** A list value; empty when absent or reported. */
    Optional<List<Node>> list(String key) {
        Optional<Node> value = value(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!(value.get() instanceof SequenceNode sequence)) {
            problems.error(value.get(), name(key) + ": expected a list, found a " + kind(value.get())
                    + "; write each item on its own line starting with '- '");
            return Optional.empty();
        }
        return Optional.of(sequence.getValue());
    }

    /** A list of plain values. */
    Optional<List<ScalarNode>> textList(String key) {
        Optional<List<Node>> items = list(key);
        if (items.isEmpty()) {
            return Optional.empty();
        }
        List<ScalarNode> scalars = new ArrayList<>();
        for (Node item : items.get()) {
            if (item instanceof ScalarNode scalar && !scalar.getValue().isEmpty()) {
                scalars.add(scalar);
            } else {
                problems.error(item, name(key) + ": each item must be a single value, found a " + kind(item));
            }
        }
        return Optional.of(scalars);
    }

    Optional<YamlSection> section(String key, String example) {
        Optional<Node> value = value(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        return of(name(key), value.get(), problems, example);
    }

    /** Reports every key that no getter asked for, with the closest known key. */
    void finish() {
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (!known.contains(entry.getKey())) {
                problems.error(entry.getValue().getKeyNode(), "unknown key '" + entry.getKey() + "' "
                        + (path.isEmpty() ? "at the top level" : "in " + path)
                        + Suggestions.didYouMean(entry.getKey(), known)
                        + (Suggestions.closest(entry.getKey(), known).isPresent() ? "" : "; known keys: "
                                + String.join(", ", known)));
            }
        }
    }

    String name(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private String where() {
        return path.isEmpty() ? "" : path + ": ";
    }

    static String kind(Node node) {
        if (node instanceof MappingNode) {
            return "mapping (key: value lines)";
        }
        if (node instanceof SequenceNode) {
            return "list";
        }
        return "single value";
    }

    private static Optional<Integer> parseInt(String text) {
        if (!text.matches("\\d{1,9}")) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(text));
    }
}
