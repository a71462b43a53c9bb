package dev.actiongate.agent.admin;

import dev.actiongate.agent.records.DecisionHistory;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The query string of {@code GET /decisions}, read strictly: an unknown or repeated parameter, a
 * time that is not ISO-8601 or a limit out of range is refused with a message that says which and
 * why, never ignored.
 */
final class DecisionQuery {

    static final List<String> PARAMETERS = List.of("action", "verdict", "actor", "tenant", "since", "until", "limit");

    /** Longer than any action, actor or tenant a record holds is a mistake, not a search. */
    private static final int MAX_TEXT = 256;

    private DecisionQuery() {}

    /**
     * Reads {@code rawQuery}, still URL-encoded; {@code null} or empty asks for the newest decisions.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static DecisionHistory.Query parse(String rawQuery) {
        Map<String, String> given = new HashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                if (!PARAMETERS.contains(name)) {
                    throw new IllegalArgumentException(
                            "unknown parameter '" + name + "': search by " + String.join(", ", PARAMETERS));
                }
                if (given.put(name, value.strip()) != null) {
                    throw new IllegalArgumentException("parameter '" + name + "' is given twice");
                }
            }
        }
        return new DecisionHistory.Query(
                text(given, "action"),
                text(given, "verdict"),
                text(given, "actor"),
                text(given, "tenant"),
                time(given, "since"),
                time(given, "until"),
                limit(given.get("limit")));
    }

    private static String decode(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the query string is not URL-encoded: " + e.getMessage(), e);
        }
    }

    /** The value of a text parameter; an empty one matches anything, like one not given. */
    private static String text(Map<String, String> given, String name) {
        String value = given.get(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_TEXT) {
            throw new IllegalArgumentException(name + " is longer than " + MAX_TEXT + " characters");
        }
        return value;
    }

    private static Instant time(Map<String, String> given, String name) {
        String value = given.get(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    name + " must be an ISO-8601 time with its offset, such as 2026-01-31T09:30:00Z, not '" + value
                            + "'",
                    e);
        }
    }

    private static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return DecisionHistory.Query.DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a whole number, not '" + value + "'", e);
        }
        if (limit < 1 || limit > DecisionHistory.Query.MAX_LIMIT) {
            throw new IllegalArgumentException(
                    "limit must be between 1 and " + DecisionHistory.Query.MAX_LIMIT + ", not " + limit);
        }
        return limit;
    }
}
