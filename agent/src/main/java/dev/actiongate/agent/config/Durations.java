package dev.actiongate.agent.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one way durations are written in configuration and policies: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 1d}. */
public final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    /** The longest duration whose nanoseconds fit a {@code long}. */
    private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

    private Durations() {}

    /** {@code duration} in the same short form ({@code 5m}, {@code 1h30m}, {@code 500ms}), for messages. */
    public static String text(Duration duration) {
        return duration.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The duration {@code text} writes, or {@code null} when it is not one of the forms above, is
     * zero, or is too long to count in nanoseconds (about 292 years): deadlines and timers count
     * in nanoseconds, and a value that overflows them is a mistake (someone meaning "never"), not
     * a duration to fail on at the first use.
     */
    public static Duration parse(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        return duration.isZero() || duration.compareTo(LONGEST) > 0 ? null : duration;
    }
}
