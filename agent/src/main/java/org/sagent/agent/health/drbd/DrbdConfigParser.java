package org.sagent.agent.health.drbd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the configuration {@code drbdadm dump} prints (drbd.conf syntax: sections in braces,
 * statements ending in ';', '#' comments, double-quoted strings) into the settings sagent's
 * isolation depends on: per resource, the net, disk and handlers options with the common
 * section's filled in where the resource does not set them, as drbdadm applies them. Pure.
 */
public final class DrbdConfigParser {

    /** The effective options of one resource: "net", "disk", "handlers" → option → value. */
    public record ResourceConfig(String name, Map<String, Map<String, String>> sections) {
        public Optional<String> option(String section, String option) {
            return Optional.ofNullable(sections.getOrDefault(section, Map.of()).get(option));
        }
    }

    private record Block(List<String> head, List<Object> items) {
    }

    private DrbdConfigParser() {
    }

    public static Map<String, ResourceConfig> parse(String dump) {
        List<String> tokens = tokens(dump);
        int[] at = {0};
        Block top = block(tokens, at, List.of());
        Map<String, Map<String, String>> common = new LinkedHashMap<>();
        for (Object item : top.items()) {
            if (item instanceof Block b && b.head().equals(List.of("common"))) {
                collect(b, common);
            }
        }
        Map<String, ResourceConfig> resources = new LinkedHashMap<>();
        for (Object item : top.items()) {
            if (item instanceof Block b && b.head().size() == 2 && b.head().get(0).equals("resource")) {
                Map<String, Map<String, String>> own = new LinkedHashMap<>();
                common.forEach((k, v) -> own.put(k, new LinkedHashMap<>(v)));
                Map<String, Map<String, String>> specific = new LinkedHashMap<>();
                collect(b, specific);
                specific.forEach((k, v) -> own.computeIfAbsent(k, x -> new LinkedHashMap<>()).putAll(v));
                resources.put(b.head().get(1), new ResourceConfig(b.head().get(1), own));
            }
        }
        return resources;
    }

    /** The options of the sections directly inside {@code block} (disk options of volumes too). */
    private static void collect(Block block, Map<String, Map<String, String>> into) {
        for (Object item : block.items()) {
            if (item instanceof Block section && section.head().size() == 1) {
                Map<String, String> options = into.computeIfAbsent(section.head().get(0), k -> new LinkedHashMap<>());
                for (Object inner : section.items()) {
                    if (inner instanceof List<?> statement && !statement.isEmpty()) {
                        List<String> words = statement.stream().map(String::valueOf).toList();
                        // "allow-two-primaries;" alone means yes, as drbdadm reads it.
                        options.put(words.get(0), words.size() == 1 ? "yes" : String.join(" ", words.subList(1, words.size())));
                    }
                }
            }
        }
    }

    private static Block block(List<String> tokens, int[] at, List<String> head) {
        List<Object> items = new ArrayList<>();
        List<String> words = new ArrayList<>();
        while (at[0] < tokens.size()) {
            String token = tokens.get(at[0]++);
            switch (token) {
                case "{" -> {
                    items.add(block(tokens, at, List.copyOf(words)));
                    words.clear();
                }
                case "}" -> {
                    return new Block(head, items);
                }
                case ";" -> {
                    items.add(List.copyOf(words));
                    words.clear();
                }
                default -> words.add(token);
            }
        }
        return new Block(head, items);
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '{' || c == '}' || c == ';') {
                tokens.add(String.valueOf(c));
                i++;
            } else if (c == '"') {
                StringBuilder quoted = new StringBuilder();
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    quoted.append(text.charAt(i++));
                }
                i++;
                tokens.add(quoted.toString());
            } else {
                int start = i;
                while (i < text.length() && !Character.isWhitespace(text.charAt(i)) && "{};\"".indexOf(text.charAt(i)) < 0) {
                    i++;
                }
                tokens.add(text.substring(start, i));
            }
        }
        return tokens;
    }
}
