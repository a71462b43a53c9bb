package dev.actiongate.agent.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.records.RecordLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstrumentationFailuresTest {

    @TempDir
    Path dir;

    @Test
    void aFailureBeforeTheRecordsFileIsOpenIsRecordedOnceItIs() throws Exception {
        InstrumentationFailures failures = new InstrumentationFailures("billing");
        ClassLoader loader = new ClassLoader("plugins", null) {};
        failures.report("com.acme.Early", loader, false, new IllegalStateException("no superclass"));
        failures.report("com.acme.Early", loader, true, new IllegalStateException("no superclass"));
        assertEquals(1, failures.count(), "the same class of the same loader counts once");

        Path file = dir.resolve("records.jsonl");
        RecordLog records = RecordLog.open(file, false);
        failures.recordInto(records);
        failures.report("com.acme.Late", null, false, new RuntimeException("outer", new Error("root")));
        records.close();

        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(
                lines.get(0).contains("\"kind\":\"instrumentation_failed\"")
                        && lines.get(0).contains("\"type\":\"com.acme.Early\"")
                        && lines.get(0).contains("\"loader\":\"plugins (")
                        && lines.get(0).contains("\"service\":\"billing\"")
                        && lines.get(0).contains("\"cause\":\"java.lang.IllegalStateException: no superclass\""),
                lines.get(0));
        assertTrue(
                lines.get(1).contains("\"loader\":\"bootstrap\"")
                        && lines.get(1).contains("java.lang.RuntimeException: outer (caused by java.lang.Error: root)"),
                lines.get(1));
        assertEquals(
                List.of("com.acme.Early", "com.acme.Late"),
                failures.list().stream()
                        .map(InstrumentationFailures.Failure::type)
                        .toList());
    }

    @Test
    void withoutARecordsFileFailuresAreStillListed() {
        InstrumentationFailures failures = new InstrumentationFailures("billing");
        failures.recordInto(null);
        failures.report("com.acme.Broken", null, false, new IllegalStateException("bad"));
        assertEquals(1, failures.count());
        assertEquals("com.acme.Broken", failures.list().get(0).type());
    }
}
