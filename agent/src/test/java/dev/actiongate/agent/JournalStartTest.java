package dev.actiongate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.records.ChainVerifier;
import dev.actiongate.agent.records.RecordLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code records_journal}, in-process: the records file a start opens takes decisions through the
 * memory-mapped journal, or directly when the journal is turned off; either way the chain holds
 * and a clean close leaves nothing in the journal. That records reach the file when a real JVM
 * exits is every forked test's, which reads them after the application ended.
 */
class JournalStartTest {

    private static final String POLICY = """
            version: "config-3"
            default: allow
            rules:
              - id: no-deletes
                action: delete_file
                verdict: deny
              - id: greetings
                action: greet
                verdict: allow
            """;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "records_journal={0}")
    @ValueSource(strings = {"true", "false"})
    void decisionsGoThroughTheJournalUnlessItIsTurnedOff(String journal) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        Path file = dir.resolve("records-" + journal + ".jsonl");
        List<ActionDeniedException> denials;
        try (AgentLog log = new AgentLog()) {
            GateState state = StartupState.prepare(
                    AgentConfig.resolve(
                            "policy=" + policy + ",records=" + file,
                            Map.of(),
                            Map.of("ACTIONGATE_RECORDS_JOURNAL", journal)),
                    step -> {});
            try {
                denials = BasicCalls.make(state);
            } finally {
                state.approvals().close();
                state.records().close();
            }
            assertEquals(List.of(), log.warnings());
        }

        assertNull(denials.get(0), "greet runs");
        assertTrue(
                denials.get(1).matchedRules().contains("no-deletes"),
                denials.get(1).matchedRules().toString());
        assertNull(denials.get(2), "transfer_money runs");
        assertEquals(
                List.of("greet allow", "delete_file deny", "transfer_money allow"),
                WrittenRecords.summaries(file, "decision", "verdict"));
        assertEquals(
                List.of("greet returned", "transfer_money returned"),
                WrittenRecords.summaries(file, "outcome", "outcome"));
        assertEquals(
                journal.equals("true"), Files.exists(RecordLog.journalOf(file)), "the journal exists only when on");
        ChainVerifier.Result chain = ChainVerifier.verify(file);
        assertTrue(chain.intact(), chain.problem());
        assertEquals(Files.readAllLines(file).size(), chain.records());
        assertEquals(
                List.of(),
                RecordLog.leftInJournal(file, chain.lastHash()),
                "a clean close leaves nothing in the journal");
    }
}
