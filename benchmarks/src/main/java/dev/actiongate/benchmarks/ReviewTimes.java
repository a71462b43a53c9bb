package dev.actiongate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wake-up as the records tell it: from the reviewing instance's {@code approval_reviewed}
 * record to the held instance's {@code approval_resolved} record of the same request (both carry
 * its id as {@code decision_id}), by their time stamps (milliseconds, one machine's clock).
 */
final class ReviewTimes {

    private static final Pattern DECISION_ID = Pattern.compile("\"decision_id\":\"([^\"]+)\"");
    private static final Pattern TIMESTAMP = Pattern.compile("\"timestamp\":\"([^\"]+)\"");

    private ReviewTimes() {}

    /** Milliseconds per request of {@code ids} found in both files, in that order. */
    static List<Long> between(Path reviewing, Path holding, List<String> ids) throws IOException {
        Map<String, Instant> reviewed = times(reviewing, "approval_reviewed");
        Map<String, Instant> resolved = times(holding, "approval_resolved");
        List<Long> millis = new ArrayList<>();
        for (String id : ids) {
            if (reviewed.containsKey(id) && resolved.containsKey(id)) {
                millis.add(Duration.between(reviewed.get(id), resolved.get(id)).toMillis());
            }
        }
        return millis;
    }

    private static Map<String, Instant> times(Path records, String kind) throws IOException {
        Map<String, Instant> times = new HashMap<>();
        if (!Files.exists(records)) {
            return times;
        }
        String marker = "\"kind\":\"" + kind + "\"";
        for (String line : Files.readAllLines(records)) {
            if (line.contains(marker)) {
                Matcher id = DECISION_ID.matcher(line);
                Matcher at = TIMESTAMP.matcher(line);
                if (id.find() && at.find()) {
                    times.put(id.group(1), Instant.parse(at.group(1)));
                }
            }
        }
        return times;
    }
}
