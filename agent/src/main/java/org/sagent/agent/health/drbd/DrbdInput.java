package org.sagent.agent.health.drbd;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads any saved DRBD state output, recognising which tool printed it, and judges one
 * resource in it. Support engineers feed it captures from customers ({@code sagent probe drbd}).
 */
public final class DrbdInput {

    /** The formats sagent reads. */
    public enum Format { PROC_DRBD, STATUS_TEXT, STATUS_JSON, EVENTS2, DRBDADM_ROLE_CSTATE_DSTATE, JSON_UNSUPPORTED,
        SHOW_CONFIGURATION }

    private static final Pattern ROLE = Pattern.compile("(?m)^role: (\\S+)/(\\S+)$");
    private static final Pattern CSTATE = Pattern.compile("(?m)^cstate: (\\S+)$");
    private static final Pattern DSTATE = Pattern.compile("(?m)^dstate: (\\S+)/(\\S+)$");

    private DrbdInput() {
    }

    public static Format detect(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("version: 8.")) {
            return Format.PROC_DRBD;
        }
        if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
            return Format.STATUS_JSON;
        }
        if (trimmed.contains("unrecognized option '--json'") || trimmed.startsWith("USAGE: drbdsetup")) {
            return Format.JSON_UNSUPPORTED;
        }
        if (trimmed.matches("(?s)(\\S+T\\S+ )?(exists|create|change|destroy) .*")) {
            return Format.EVENTS2;
        }
        if (ROLE.matcher(trimmed).find() && CSTATE.matcher(trimmed).find()) {
            return Format.DRBDADM_ROLE_CSTATE_DSTATE;
        }
        if (trimmed.matches("(?s)resource \\S+ \\{.*")) {
            return Format.SHOW_CONFIGURATION;
        }
        return Format.STATUS_TEXT;
    }

    /**
     * The verdict on {@code resource} in {@code text}. For /proc/drbd, which lists minors only,
     * {@code minor} names the resource's minor; without it the file must hold exactly one.
     */
    public static DrbdVerdict judge(String text, String resource, Optional<Integer> minor) {
        return DrbdJudge.judge(resource, find(text, resource, minor));
    }

    /** The resource's state in {@code text}; empty when the output does not mention it. */
    public static Optional<DrbdResourceStatus> find(String text, String resource, Optional<Integer> minor) {
        switch (detect(text)) {
            case PROC_DRBD -> {
                Map<Integer, ProcDrbdParser.Minor> minors = ProcDrbdParser.parse(text);
                ProcDrbdParser.Minor chosen;
                if (minor.isPresent()) {
                    chosen = minors.get(minor.get());
                    if (chosen == null) {
                        return Optional.empty();
                    }
                } else if (minors.size() == 1) {
                    chosen = minors.values().iterator().next();
                } else if (minors.isEmpty()) {
                    return Optional.empty();
                } else {
                    throw new DrbdParseException("/proc/drbd lists minors " + minors.keySet() + ": name the minor of "
                            + resource + " (drbdadm sh-minor " + resource + ")");
                }
                return ProcDrbdParser.asResource(resource, chosen);
            }
            case STATUS_JSON -> {
                return byName(DrbdJsonStatusParser.parse(text), resource);
            }
            case EVENTS2 -> {
                return DrbdEvents2State.of(text).resource(resource);
            }
            case DRBDADM_ROLE_CSTATE_DSTATE -> {
                return Optional.of(fromRoleCstateDstate(text, resource));
            }
            case JSON_UNSUPPORTED -> throw new DrbdParseException("this drbdsetup refuses --json: DRBD 8.4 has no JSON "
                    + "status; read /proc/drbd, drbdadm status or drbdsetup events2 --now instead");
            case SHOW_CONFIGURATION -> throw new DrbdParseException("this is a DRBD configuration (drbdsetup show), "
                    + "not a state; give /proc/drbd, drbdadm status or drbdsetup events2 --now");
            default -> {
                return byName(DrbdStatusTextParser.parse(text), resource);
            }
        }
    }

    private static Optional<DrbdResourceStatus> byName(List<DrbdResourceStatus> all, String resource) {
        return all.stream().filter(r -> r.name().equals(resource)).findFirst();
    }

    /** The three lines of {@code drbdadm role}, {@code cstate} and {@code dstate} for one resource. */
    private static DrbdResourceStatus fromRoleCstateDstate(String text, String resource) {
        Matcher role = ROLE.matcher(text);
        Matcher cstate = CSTATE.matcher(text);
        Matcher dstate = DSTATE.matcher(text);
        if (!role.find() || !cstate.find() || !dstate.find()) {
            throw new DrbdParseException("expected the lines role: A/B, cstate: X and dstate: A/B");
        }
        ProcDrbdParser.Minor minor = new ProcDrbdParser.Minor(0, cstate.group(1), role.group(1), role.group(2),
                dstate.group(1), dstate.group(2), false, Optional.empty(), false);
        return ProcDrbdParser.asResource(resource, minor).orElseThrow();
    }
}
