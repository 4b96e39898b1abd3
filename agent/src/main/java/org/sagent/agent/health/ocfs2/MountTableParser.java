package org.sagent.agent.health.ocfs2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code /proc/self/mountinfo} (and the older {@code /proc/mounts} layout), with the kernel's
 * octal escapes in paths decoded ({@code \040} space, {@code \011} tab, {@code \012} newline,
 * {@code \134} backslash).
 */
public final class MountTableParser {

    private MountTableParser() {
    }

    public static List<MountEntry> parse(String text) {
        List<MountEntry> entries = new ArrayList<>();
        int lineNumber = 0;
        for (String line : text.lines().toList()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(" ");
            int separator = Arrays.asList(f).indexOf("-");
            if (separator >= 6 && f.length >= separator + 4) {
                // mountinfo: id parent major:minor root mount-point options [optional...] - type source super-options
                entries.add(new MountEntry(unescape(f[separator + 2]), unescape(f[4]), f[separator + 1],
                        List.of(f[5].split(",")), List.of(f[separator + 3].split(","))));
            } else if (f.length == 6 && separator < 0) {
                // /proc/mounts: source mount-point type options dump pass
                entries.add(new MountEntry(unescape(f[0]), unescape(f[1]), f[2], List.of(f[3].split(",")), List.of()));
            } else {
                throw new IllegalArgumentException("line " + lineNumber + " is neither a mountinfo nor a mounts line: "
                        + line);
            }
        }
        return entries;
    }

    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
