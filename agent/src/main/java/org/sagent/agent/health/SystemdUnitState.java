package org.sagent.agent.health;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads unit states from systemctl output, and "path: value" listings of sysfs files. */
public final class SystemdUnitState {

    private static final Pattern ACTIVE = Pattern.compile("(?m)^\\s*Active: (\\S+ \\([^)]*\\))");

    private SystemdUnitState() {
    }

    /** {@code systemctl status UNIT}: "active (running)", "inactive (dead)", "failed (Result: exit-code)". */
    public static Optional<String> activeLine(String systemctlStatus) {
        Matcher m = ACTIVE.matcher(systemctlStatus);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** {@code systemctl is-active UNIT}: its one word, e.g. active, activating, inactive, failed. */
    public static boolean isActive(String isActiveOutput) {
        return isActiveOutput.strip().equals("active");
    }

    /** The value of {@code path} in a listing of lines "path: value". */
    public static Optional<String> sysfsValue(String listing, String path) {
        return listing.lines().filter(l -> l.startsWith(path + ": ")).findFirst()
                .map(l -> l.substring(path.length() + 2).strip());
    }
}
