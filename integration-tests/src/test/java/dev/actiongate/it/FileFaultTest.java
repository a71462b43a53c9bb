package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.apps.RecordsFileApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults are not tampering: a records file whose write fails part-way (the disk full, here a file
 * size limit) is cut back to its last whole line, and once there is room again the chain goes on
 * intact; a journal whose space cannot be claimed is removed rather than left filling the disk.
 */
class FileFaultTest {

    private static final String ALLOW_ALL = """
            version: "it-faults-1"
            default: allow
            rules: []
            """;

    @TempDir
    Path dir;

    private final Jdk jdk = Jdk.running();

    @ParameterizedTest(name = "records_journal={0}")
    @ValueSource(booleans = {true, false})
    void aWriteCutShortByAFullDiskLeavesNoBrokenChain(boolean journal) throws Exception {
        Path file = dir.resolve("records.jsonl");
        try (AgentApp.Running run = AgentApp.on(jdk, dir)
                .policy(ALLOW_ALL)
                .option("records_journal=" + journal)
                .classpath(AppClasspath.appsOnly())
                .main(RecordsFileApp.class, "2")
                .start()) {
            run.await("records in " + file, () -> size(file) > 20_000);
            long limit = size(file) + 30_001; // hardly ever a line's end: the write that crosses it fails part-way
            ForkedJvm.setFileSizeLimit(run.jvm().pid(), limit);
            run.await(
                    "a write refused at the size limit",
                    () -> run.jvm().stderr().contains("File too large"));
            ForkedJvm.setFileSizeLimit(run.jvm().pid(), -1);
            run.await("records after the limit was lifted", () -> size(file) > limit + 20_000);
            run.signal("stop");
            run.finish().assertExit(0);
        }
        ForkedJvm.Run verify = ForkedJvm.agentCli(jdk, "verify", file.toString());
        assertTrue(verify.stdout().contains("chain intact"), verify.describe());
        assertFalse(verify.stdout().contains("cut short"), verify.describe());
    }

    @Test
    void aJournalWhoseSpaceCannotBeClaimedIsRemoved() throws Exception {
        Path file = dir.resolve("records.jsonl");
        try (AgentApp.Running run = AgentApp.on(jdk, dir)
                .policy(ALLOW_ALL)
                .classpath(AppClasspath.appsOnly())
                .with(jvm -> jvm.fileSizeLimit(1 << 20)) // room for records, not for an 8 MB journal
                .main(RecordsFileApp.class, "1")
                .start()) {
            run.await("records in " + file, () -> size(file) > 5_000);
            run.signal("stop");
            ForkedJvm.Run ended = run.finish().assertExit(0);
            assertTrue(ended.stderr().contains("cannot be used"), ended.describe());
        }
        assertFalse(Files.exists(dir.resolve("records.jsonl.journal")), "no half-claimed journal is left behind");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
