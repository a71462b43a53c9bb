package dev.actiongate.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the decision records the agent writes (JSON Lines), to show for an allowed call what
 * only the record knows: which rules matched and why, and who approved a call held for approval.
 */
final class DecisionRecords {

    /** The part of a decision record the demo shows. */
    record Decision(String decisionId, String verdict, List<String> matchedRules, String reason) {}

    /**
     * How a call held for approval ended: its {@code approval_resolved} record.
     *
     * @param verdict  {@code allow}, {@code approval_rejected}, {@code approval_timeout}, ...
     * @param reviewer who decided, or {@code null} when nobody did
     * @param comment  the reviewer's comment, or {@code null}
     * @param waitedMs how long the call waited
     */
    record Resolution(String verdict, String reviewer, String reason, String comment, long waitedMs) {}

    private final Path file;
    private final ObjectMapper json = new ObjectMapper();

    DecisionRecords(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    boolean exists() {
        return Files.isRegularFile(file);
    }

    /**
     * The last decision taken on a call with this subject. The subject is unique per attempt and
     * the agent never masks it (only {@code body} is redacted), which makes it a safe key even in
     * a file that many runs appended to.
     */
    Optional<Decision> latestFor(String subject) throws IOException {
        Decision latest = null;
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                JsonNode record = parse(line);
                if (record != null
                        && "decision".equals(record.path("kind").asText())
                        && subject.equals(
                                record.path("arguments").path("subject").asText(null))) {
                    latest = toDecision(record);
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(latest);
    }

    /** The end of the held call {@code decisionId}; empty while it waits or when it was never held. */
    Optional<Resolution> resolutionOf(String decisionId) throws IOException {
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                JsonNode record = parse(line);
                if (record != null
                        && "approval_resolved".equals(record.path("kind").asText())
                        && decisionId.equals(record.path("decision_id").asText(null))) {
                    return Optional.of(new Resolution(
                            record.path("verdict").asText(),
                            record.path("reviewer").asText(null),
                            record.path("reason").asText("-"),
                            record.path("comment").asText(null),
                            record.path("waited_ms").asLong()));
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private JsonNode parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            return json.readTree(line);
        } catch (JsonProcessingException torn) {
            // Not ours to judge: the agent's verify command reports damaged files.
            return null;
        }
    }

    private static Decision toDecision(JsonNode record) {
        List<String> rules = new ArrayList<>();
        record.path("matched_rules").forEach(rule -> rules.add(rule.asText()));
        return new Decision(
                record.path("decision_id").asText(null),
                record.path("verdict").asText(),
                List.copyOf(rules),
                record.path("reason").asText("-"));
    }
}
