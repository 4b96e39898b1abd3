package org.sagent.agent.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sagent.agent.config.DurationText;
import org.sagent.agent.config.FailbackMode;

/**
 * One allocation case read from a plain-text scenario file (format: the README.md beside the
 * files, under src/test/resources/allocation/): the {@link ClusterPicture} it describes and the
 * assignment {@link Allocation#compute} must give for it.
 *
 * @param name     the file's name, for the test's display name and every message
 * @param rule     the rule the scenario proves: its first comment paragraph
 * @param picture  the cluster as the file describes it
 * @param expected address to the node that should hold it, empty for "nobody"
 */
record AllocationScenario(String name, String rule, ClusterPicture picture, Map<String, Optional<String>> expected) {

    /** A mistake in a scenario file, with the file and line it is on. */
    static final class ScenarioError extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ScenarioError(String file, int line, String message) {
            super(file + ":" + line + ": " + message);
        }
    }

    /** Written in the {@code expect} column for "no node": the address stays where it is. */
    static final String NOBODY = "nobody";
    private static final String NONE = "-";
    private static final List<String> NODE_COLUMNS = List.of("name", "number", "readiness", "eligible-for", "up-for",
            "disabled", "seen", "holds");

    /** Parses {@code text}, read from the file {@code name}; errors say {@code name:line: what}. */
    static AllocationScenario parse(String name, String text) {
        return new Parser(name).parse(text);
    }

    private static final class Parser {
        private final String file;
        private int line;
        private final StringBuilder rule = new StringBuilder();
        private boolean ruleDone;
        private final Map<String, Integer> numbers = new LinkedHashMap<>();
        private final Map<String, NodeState> states = new LinkedHashMap<>();
        private final Map<String, Integer> nodeLines = new LinkedHashMap<>();
        private final Map<String, Integer> addressLines = new LinkedHashMap<>();
        private final List<ClusterPicture.Address> addresses = new ArrayList<>();
        private final Map<String, String> pins = new LinkedHashMap<>();
        private final Map<String, Integer> pinLines = new LinkedHashMap<>();
        private final Map<String, Optional<String>> expected = new LinkedHashMap<>();
        private final Map<String, Integer> expectLines = new LinkedHashMap<>();
        private Set<String> view;
        private int viewLine;
        private FailbackMode failback;
        private Duration failbackDelay;
        private Duration startupGrace;

        Parser(String file) {
            this.file = file;
        }

        AllocationScenario parse(String text) {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                line = i + 1;
                String raw = lines[i].strip();
                if (raw.startsWith("#")) {
                    comment(raw);
                    continue;
                }
                int hash = raw.indexOf('#');
                String content = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
                // The rule is the comment paragraph the file opens with: a blank line after it, or
                // any statement, ends it.
                ruleDone |= !rule.isEmpty() || !content.isEmpty();
                if (content.isEmpty()) {
                    continue;
                }
                List<String> words = Arrays.asList(content.split("\\s+"));
                String keyword = words.get(0);
                List<String> args = words.subList(1, words.size());
                switch (keyword) {
                    case "failback" -> failback(args);
                    case "startup-grace" -> startupGrace = once(startupGrace, "startup-grace",
                            duration(exactly(args, 1, "startup-grace DURATION").get(0), "startup-grace"));
                    case "node" -> node(args);
                    case "view" -> view(args);
                    case "address" -> address(args);
                    case "pin" -> pin(args);
                    case "expect" -> expect(args);
                    default -> throw error("unknown keyword '" + keyword
                            + "' (failback, startup-grace, node, view, address, pin, expect)");
                }
            }
            return finish();
        }

        private void comment(String raw) {
            if (!ruleDone) {
                String words = raw.substring(1).strip();
                if (!words.isEmpty()) {
                    rule.append(rule.isEmpty() ? "" : " ").append(words);
                }
            }
        }

        private void failback(List<String> args) {
            exactly(args, 2, "failback auto|manual DELAY");
            if (failback != null) {
                throw error("failback given twice");
            }
            failback = switch (args.get(0)) {
                case "auto" -> FailbackMode.AUTO;
                case "manual" -> FailbackMode.MANUAL;
                default -> throw error("failback mode is auto or manual, not '" + args.get(0) + "'");
            };
            failbackDelay = duration(args.get(1), "failback delay");
        }

        private void node(List<String> args) {
            if (args.size() != 3 && args.size() != NODE_COLUMNS.size()) {
                throw error("a node line is 'node " + String.join(" ", NODE_COLUMNS)
                        + "' (8 columns), or 'node NAME NUMBER -' for a node that has published no state; got "
                        + args.size() + " columns");
            }
            String name = args.get(0);
            if (nodeLines.containsKey(name)) {
                throw error("node " + name + " declared twice (first on line " + nodeLines.get(name) + ")");
            }
            int number = integer(args.get(1), "node number");
            if (numbers.containsValue(number)) {
                throw error("node number " + number + " used twice");
            }
            nodeLines.put(name, line);
            numbers.put(name, number);
            if (args.size() == 3) {
                if (!args.get(2).equals(NONE)) {
                    throw error("readiness '" + args.get(2) + "' needs the other columns ("
                            + String.join(" ", NODE_COLUMNS) + "); '-' alone means no state published yet");
                }
                return;
            }
            Readiness readiness = readiness(args.get(2));
            long eligibleFor = duration(args.get(3), "eligible-for").toMillis();
            long upFor = duration(args.get(4), "up-for").toMillis();
            boolean disabled = switch (args.get(5)) {
                case "yes" -> true;
                case "no" -> false;
                default -> throw error("disabled is yes or no, not '" + args.get(5) + "'");
            };
            Set<String> seen = list(args.get(6));
            Set<String> holds = list(args.get(7));
            states.put(name, new NodeState(name, 1, readiness, List.of(), disabled, holds, Set.of(), eligibleFor, upFor,
                    seen));
        }

        private Readiness readiness(String word) {
            if (word.equals(NONE)) {
                throw error("readiness '-' (no state published yet) takes no further columns");
            }
            try {
                return Readiness.valueOf(word);
            } catch (IllegalArgumentException e) {
                throw error("readiness is OK, STARTING, UNHEALTHY or '-' (no state yet), not '" + word + "'");
            }
        }

        private void view(List<String> args) {
            if (view != null) {
                throw error("view given twice (first on line " + viewLine + ")");
            }
            view = new LinkedHashSet<>();
            for (String member : args) {
                if (!view.add(member)) {
                    throw error("view lists " + member + " twice");
                }
            }
            viewLine = line;
        }

        private void address(List<String> args) {
            exactly(args, 2, "address ADDRESS HOME");
            String address = args.get(0);
            if (addressLines.containsKey(address)) {
                throw error("address " + address + " declared twice (first on line " + addressLines.get(address) + ")");
            }
            addressLines.put(address, line);
            addresses.add(new ClusterPicture.Address(address, args.get(1)));
        }

        private void pin(List<String> args) {
            exactly(args, 2, "pin ADDRESS NODE");
            if (pins.containsKey(args.get(0))) {
                throw error("address " + args.get(0) + " pinned twice");
            }
            pins.put(args.get(0), args.get(1));
            pinLines.put(args.get(0), line);
        }

        private void expect(List<String> args) {
            exactly(args, 2, "expect ADDRESS NODE|" + NOBODY);
            String address = args.get(0);
            if (expectLines.containsKey(address)) {
                throw error("expect for " + address + " given twice (first on line " + expectLines.get(address) + ")");
            }
            expectLines.put(address, line);
            expected.put(address, args.get(1).equals(NOBODY) ? Optional.empty() : Optional.of(args.get(1)));
        }

        /** Cross-checks names once everything is read: each error still points at its line. */
        private AllocationScenario finish() {
            line = 1;
            if (rule.isEmpty()) {
                throw error("the file starts with a comment saying the rule the scenario proves");
            }
            if (failback == null) {
                throw error("missing 'failback auto|manual DELAY'");
            }
            if (startupGrace == null) {
                throw error("missing 'startup-grace DURATION'");
            }
            if (numbers.isEmpty()) {
                throw error("no node declared");
            }
            if (view == null) {
                throw error("missing 'view NODE...' (the members of the membership view; 'view' alone for none)");
            }
            if (addresses.isEmpty()) {
                throw error("no address declared");
            }
            line = viewLine;
            view.forEach(this::known);
            for (ClusterPicture.Address address : addresses) {
                line = addressLines.get(address.address());
                known(address.home());
            }
            for (NodeState state : states.values()) {
                line = nodeLines.get(state.node());
                state.seen().forEach(this::known);
                state.held().forEach(this::configuredAddress);
            }
            for (Map.Entry<String, String> pin : pins.entrySet()) {
                line = pinLines.get(pin.getKey());
                configuredAddress(pin.getKey());
                known(pin.getValue());
            }
            for (Map.Entry<String, Optional<String>> expect : expected.entrySet()) {
                line = expectLines.get(expect.getKey());
                configuredAddress(expect.getKey());
                expect.getValue().ifPresent(this::known);
            }
            for (ClusterPicture.Address address : addresses) {
                if (!expected.containsKey(address.address())) {
                    line = addressLines.get(address.address());
                    throw error("no 'expect " + address.address() + " NODE|" + NOBODY + "' line for this address");
                }
            }
            // The assignment in configuration order, whatever order the expect lines came in.
            Map<String, Optional<String>> ordered = new LinkedHashMap<>();
            addresses.forEach(a -> ordered.put(a.address(), expected.get(a.address())));
            ClusterPicture picture = new ClusterPicture(numbers, addresses, view, states, failback, failbackDelay,
                    startupGrace, pins);
            return new AllocationScenario(file, rule.toString(), picture, ordered);
        }

        private void known(String node) {
            if (!numbers.containsKey(node)) {
                throw error("unknown node '" + node + "' (nodes: " + String.join(", ", numbers.keySet()) + ")");
            }
        }

        private void configuredAddress(String address) {
            if (!addressLines.containsKey(address)) {
                throw error("unknown address '" + address + "' (addresses: " + String.join(", ", addressLines.keySet())
                        + ")");
            }
        }

        private Set<String> list(String column) {
            if (column.equals(NONE)) {
                return Set.of();
            }
            Set<String> items = new LinkedHashSet<>();
            for (String item : column.split(",", -1)) {
                if (item.isEmpty() || !items.add(item)) {
                    throw error("a list is comma-separated without spaces or repeats, or '-' for none: '" + column + "'");
                }
            }
            return items;
        }

        private Duration duration(String text, String what) {
            if (text.equals("0")) {
                return Duration.ZERO;
            }
            return DurationText.parse(text).orElseThrow(() -> error(what + " is a duration such as 0, 500ms, 30s or "
                    + "1h, not '" + text + "'"));
        }

        private int integer(String text, String what) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw error(what + " is a whole number, not '" + text + "'");
            }
        }

        private <T> T once(T before, String what, T value) {
            if (before != null) {
                throw error(what + " given twice");
            }
            return value;
        }

        private List<String> exactly(List<String> args, int count, String form) {
            if (args.size() != count) {
                throw error("expected '" + form + "', got " + args.size() + " value(s) after the keyword");
            }
            return args;
        }

        private ScenarioError error(String message) {
            return new ScenarioError(file, line, message);
        }
    }
}
