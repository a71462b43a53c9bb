package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A decision records file as the agent wrote it: one JSON object per line.
 *
 * @param file    where it was read from
 * @param records every record, in file order
 */
public record Records(Path file, List<JsonNode> records) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code file}; fails the test if it is missing or a line is not JSON. */
    public static Records read(Path file) {
        if (!Files.isRegularFile(file)) {
            fail("no records file at " + file);
        }
        List<JsonNode> records = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                try {
                    records.add(JSON.readTree(line));
                } catch (IOException e) {
                    fail(file + ":" + number + " is not a JSON record: " + line, e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Records(file, List.copyOf(records));
    }

    /** One record line, or a body the agent posted; fails the test if it is not JSON. */
    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return fail("not a JSON record: " + json, e);
        }
    }

    public int size() {
        return records.size();
    }

    /** The kinds the records writer adds itself to name and seal the log (docs/records.md#sealing). */
    public static final java.util.Set<String> SEALING =
            java.util.Set.of("records_opened", "records_resumed", "checkpoint");

    /** These records without the ones that name and seal the log: what the governed calls and ops left. */
    public Records withoutSeals() {
        return new Records(
                file,
                records.stream()
                        .filter(record -> !SEALING.contains(record.path("kind").asText()))
                        .toList());
    }

    /** Whether {@code line} of a records file is one that names or seals the log. */
    public static boolean sealing(String line) {
        return SEALING.stream().anyMatch(kind -> line.contains("\"kind\":\"" + kind + "\""));
    }

    public List<JsonNode> ofKind(String kind) {
        return records.stream()
                .filter(record -> kind.equals(record.path("kind").asText()))
                .toList();
    }

    public List<JsonNode> decisions() {
        return ofKind("decision");
    }

    public List<JsonNode> outcomes() {
        return ofKind("outcome");
    }

    /** Each decision as {@code "action verdict"}, in file order: what a test compares as a whole. */
    public List<String> verdicts() {
        return decisions().stream()
                .map(record -> record.path("action").asText() + " "
                        + record.path("verdict").asText())
                .toList();
    }

    /** The verdicts of {@code action}'s decisions, in file order. */
    public List<String> verdicts(String action) {
        return decisions(action).stream()
                .map(record -> record.path("verdict").asText())
                .toList();
    }

    /** Each outcome as {@code "action outcome"}, in file order. */
    public List<String> outcomeSummaries() {
        return outcomes().stream()
                .map(record -> record.path("action").asText() + " "
                        + record.path("outcome").asText())
                .toList();
    }

    /**
     * The decision ids of the allowed calls and those of the outcome records, each sorted: equal
     * when every allowed body left an outcome and no denied one did.
     */
    public List<List<String>> allowedAndOutcomeIds() {
        List<String> allowed = decisions().stream()
                .filter(record -> "allow".equals(record.path("verdict").asText()))
                .map(record -> record.path("decision_id").asText())
                .sorted()
                .toList();
        List<String> ran = outcomes().stream()
                .map(record -> record.path("decision_id").asText())
                .sorted()
                .toList();
        return List.of(allowed, ran);
    }

    /** The decision records of {@code action}, in file order. */
    public List<JsonNode> decisions(String action) {
        return decisions().stream()
                .filter(record -> action.equals(record.path("action").asText()))
                .toList();
    }

    /** The one decision record with {@code decisionId}. */
    public JsonNode decision(String decisionId) {
        List<JsonNode> found = decisions().stream()
                .filter(record -> decisionId.equals(record.path("decision_id").asText()))
                .toList();
        assertEquals(1, found.size(), "decision records with id " + decisionId + " in " + file);
        return found.get(0);
    }

    /** The one decision record whose argument {@code name} has the text {@code value}. */
    public JsonNode decisionWithArgument(String name, String value) {
        List<JsonNode> found = decisions().stream()
                .filter(record ->
                        value.equals(record.path("arguments").path(name).asText(null)))
                .toList();
        assertEquals(1, found.size(), "decision records with argument " + name + "=" + value + " in " + file);
        return found.get(0);
    }

    /** The outcome record of decision {@code decisionId}, if the body ran. */
    public Optional<JsonNode> outcome(String decisionId) {
        List<JsonNode> found = outcomes().stream()
                .filter(record -> decisionId.equals(record.path("decision_id").asText()))
                .toList();
        if (found.size() > 1) {
            fail(found.size() + " outcome records for decision " + decisionId + " in " + file);
        }
        return found.stream().findFirst();
    }

    /** The index of {@code record} in the file, 0-based. */
    @SuppressWarnings("ReferenceEquality") // this very record, not an equal one (records can repeat)
    public int indexOf(JsonNode record) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) == record) {
                return i;
            }
        }
        return -1;
    }
}
