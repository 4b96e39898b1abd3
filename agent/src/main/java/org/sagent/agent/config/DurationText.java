package org.sagent.agent.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as administrators write them: {@code 200ms}, {@code 1s}, {@code 1.5s}, {@code 2m}, {@code 1h}. */
public final class DurationText {

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(?:\\.(\\d{1,3}))?(ms|s|m|h)");

    private DurationText() {
    }

    /** Empty when the text is not a number followed by one of ms, s, m, h (no space). */
    public static Optional<Duration> parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        long whole = Long.parseLong(m.group(1));
        String fraction = m.group(2) == null ? "" : m.group(2);
        long unitMillis = switch (m.group(3)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> throw new IllegalStateException("unit matched by the pattern: " + m.group(3));
        };
        // Fractions are exact in milliseconds: 1.5s = 1500 ms; 0.5ms is refused (below resolution).
        long fractionMillis = fraction.isEmpty()
                ? 0
                : Long.parseLong((fraction + "00").substring(0, 3)) * unitMillis / 1000;
        if (!fraction.isEmpty() && unitMillis == 1) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(whole * unitMillis + fractionMillis));
    }

    /** The shortest exact form: 1500 ms is {@code 1500ms}, 2000 ms is {@code 2s}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis != 0 && millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }
}
