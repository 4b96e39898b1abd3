package org.sagent.agent.health.drbd;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads resource names and their minors from {@code drbdsetup show} (or {@code drbdadm dump}):
 * /proc/drbd lists minors only, and this is how a resource finds its own.
 */
public final class DrbdShowParser {

    private static final Pattern RESOURCE = Pattern.compile("(?m)^resource\\s+(\\S+)\\s*\\{");
    private static final Pattern MINOR = Pattern.compile("device\\s+(?:minor\\s+(\\d+)|/dev/drbd(\\d+)[^;]*)\\s*;");

    private DrbdShowParser() {
    }

    /** Resource name to the minors of its volumes, in order of appearance. */
    public static Map<String, java.util.List<Integer>> minors(String text) {
        Map<String, java.util.List<Integer>> result = new LinkedHashMap<>();
        Matcher resource = RESOURCE.matcher(text);
        java.util.List<int[]> starts = new java.util.ArrayList<>();
        java.util.List<String> names = new java.util.ArrayList<>();
        while (resource.find()) {
            starts.add(new int[] {resource.start()});
            names.add(resource.group(1));
        }
        for (int i = 0; i < names.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : text.length();
            Matcher minor = MINOR.matcher(text.substring(starts.get(i)[0], end));
            java.util.List<Integer> found = new java.util.ArrayList<>();
            while (minor.find()) {
                found.add(Integer.parseInt(minor.group(1) != null ? minor.group(1) : minor.group(2)));
            }
            result.put(names.get(i), found);
        }
        return result;
    }
}
