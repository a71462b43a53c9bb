package dev.actiongate.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.gate.GateState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up that fails part-way leaves nothing of the records file running. */
class StartupStateTest {

    @TempDir
    Path dir;

    private static Set<Thread> recordsWriters() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().equals("actiongate-records"))
                .collect(Collectors.toSet());
    }

    @Test
    void aRecordsFileThatOpensButCannotBeWrittenIsClosedAgain() throws Exception {
        Path full = Path.of("/dev/full"); // every write fails: no space left on device
        assumeTrue(Files.isWritable(full), "needs /dev/full");
        Path records = Files.createSymbolicLink(dir.resolve("records.jsonl"), full);
        Set<Thread> before = recordsWriters();
        AgentConfig config = AgentConfig.resolve(
                "records=" + records + ",records_journal=false,records_key=" + dir.resolve("records.key"),
                Map.of(),
                Map.of());

        GateState state = StartupState.prepare(config, step -> {});

        assertNull(state.records(), "no records file to write to");
        assertTrue(
                state.recordsProblem().contains("cannot be opened")
                        && state.recordsProblem().contains("space"),
                state.recordsProblem());
        Set<Thread> left = recordsWriters();
        left.removeAll(before);
        for (Thread thread : left) {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        assertFalse(
                left.stream().anyMatch(Thread::isAlive),
                "the records file that could not be named in was closed, and its writer stopped: " + List.copyOf(left));
    }
}
