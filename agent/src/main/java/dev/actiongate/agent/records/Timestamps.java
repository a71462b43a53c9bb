package dev.actiongate.agent.records;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** RFC 3339 timestamps in UTC with milliseconds, the form every record uses. */
public final class Timestamps {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The last millisecond formatted: calls within one millisecond share the string. */
    private static volatile Formatted last = new Formatted(Long.MIN_VALUE, "");

    private record Formatted(long millis, String text) {}

    private Timestamps() {}

    /**
     * {@code instant} in the same form as {@link #now()}: every time a record carries (its own
     * timestamp, an approval's requested_at, expires_at and reviewed_at) has the same unit and shape.
     */
    public static String of(java.time.Instant instant) {
        return FORMAT.format(instant);
    }

    public static String now() {
        long millis = System.currentTimeMillis();
        Formatted cached = last;
        if (cached.millis() == millis) {
            return cached.text();
        }
        String text = FORMAT.format(Instant.ofEpochMilli(millis));
        last = new Formatted(millis, text);
        return text;
    }
}
