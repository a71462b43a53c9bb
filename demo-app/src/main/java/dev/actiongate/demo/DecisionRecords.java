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
 * only the record knows: which rules matched and why.
 */
final class DecisionRecords {

    /** The part of a decision record the demo shows. */
    record Decision(String verdict, List<String> matchedRules, String reason) {
    }

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
                if (record != null && "decision".equals(record.path("kind").asText())
                        && subject.equals(record.path("arguments").path("subject").asText(null))) {
                    latest = toDecision(record);
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(latest);
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
        return new Decision(record.path("verdict").asText(), List.copyOf(rules), record.path("reason").asText("-"));
    }
}
