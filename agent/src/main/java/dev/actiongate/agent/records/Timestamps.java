package dev.actiongate.agent.records;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** RFC 3339 timestamps in UTC with milliseconds, the form every record uses. */
public final class Timestamps {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    public static String now() {
        return FORMAT.format(Instant.now());
    }

    public static String of(Instant instant) {
        return FORMAT.format(instant);
    }
}
