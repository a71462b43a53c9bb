package dev.actiongate.agent;

import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.records.CanonicalJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A records file as a started agent writes it (named, sealed, its decisions and outcomes, closed
 * as at the application's exit), for the tests of other packages that read one.
 */
public final class WrittenRecords {

    private WrittenRecords() {}

    /**
     * Starts on {@code policy} in {@code dir}, greets each of {@code names}, deletes a file and
     * transfers money, and closes.
     *
     * @return the records file
     */
    public static Path of(Path dir, String policy, List<String> names) throws IOException {
        Path policyFile = Files.writeString(dir.resolve("policy.yaml"), policy);
        Path records = dir.resolve("records.jsonl");
        GateState state = StartupState.prepare(
                AgentConfig.resolve("policy=" + policyFile + ",records=" + records, Map.of(), Map.of()), step -> {});
        try {
            BasicCalls.make(state, BasicCalls.greeting(names));
        } finally {
            state.approvals().close();
            state.records().close();
        }
        return records;
    }

    /** Each record of {@code kind} in {@code file} as {@code "<action> <field>"}, in file order. */
    public static List<String> summaries(Path file, String kind, String field) throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Map<String, Object> record = CanonicalJson.parse(line);
            if (kind.equals(record.get("kind"))) {
                found.add(record.get("action") + " " + record.get(field));
            }
        }
        return found;
    }
}
