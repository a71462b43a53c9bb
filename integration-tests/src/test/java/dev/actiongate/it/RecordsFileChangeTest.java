package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actiongate.it.apps.RecordsFileApp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The records file deleted or moved away while a service makes governed calls on several
 * threads: the agent notices, goes on in a new file whose first record continues the chain, and
 * every body that ran has its decision record in a file someone can read.
 */
class RecordsFileChangeTest {

    private static final int THREADS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * The journal and the JDK are independent: each test runs with and without the journal, on one
     * JDK each, and the two tests together run every pair of the two.
     */
    static Stream<Arguments> withAndWithoutTheJournal() {
        return Jdk.inTurnWith(true, false);
    }

    static Stream<Arguments> withoutAndWithTheJournal() {
        return Jdk.inTurnWith(false, true);
    }

    /** Moved away, with {@code records_journal} on or off; a journal, if any, stays where it was. */
    @ParameterizedTest(name = "{0}, records_journal={1}")
    @MethodSource("withAndWithoutTheJournal")
    void renamed(Jdk jdk, boolean journal) throws Exception {
        Path file = dir.resolve("records.jsonl");
        Path old = dir.resolve("records.jsonl.1");
        Running app = start(jdk, file, journal);
        Files.move(file, old);
        ForkedJvm.Run run = app.finish(file);

        Set<String> recorded = allowed(List.of(Files.readAllLines(old), Files.readAllLines(file)));
        assertEveryBodyRecorded(run, recorded);
        assertNoticed(run, file);
        ForkedJvm.Run verify = ForkedJvm.agentCli(jdk, "verify", old.toString(), file.toString());
        verify.assertExit(0);
        assertTrue(verify.stdout().contains(file + " continues " + old), verify.describe());
        if (journal) {
            ForkedJvm.Run backwards = ForkedJvm.agentCli(jdk, "verify", file.toString(), old.toString())
                    .assertExit(1);
            assertTrue(
                    backwards
                            .stdout()
                            .contains("NOT CONTINUED: " + old + " does not begin with a records_continued"
                                    + " record: it does not continue " + file),
                    backwards.describe());
        }
    }

    /** Deleted, with {@code records_journal} on (the journal deleted too) or off. */
    @ParameterizedTest(name = "{0}, records_journal={1}")
    @MethodSource("withoutAndWithTheJournal")
    void deleted(Jdk jdk, boolean journal) throws Exception {
        Path file = dir.resolve("records.jsonl");
        Running app = start(jdk, file, journal);
        // A second name keeps what was in the file when it was deleted (what a deletion takes with
        // it); records written to it after that would be lost for real, so they must be in the new
        // file. Its size is taken right after the deletion: the records of those few microseconds
        // are the only ones the test cannot tell apart.
        Path before = dir.resolve("before-deletion");
        Files.createLink(before, file);
        Files.delete(file);
        long size = Files.size(before);
        if (journal) {
            Files.delete(dir.resolve("records.jsonl.journal"));
        }
        ForkedJvm.Run run = app.finish(file);

        byte[] kept = new byte[(int) size];
        try (InputStream in = Files.newInputStream(before)) {
            assertEquals(size, in.readNBytes(kept, 0, kept.length));
        }
        String text = new String(kept, StandardCharsets.UTF_8);
        List<String> beforeLines =
                text.substring(0, text.lastIndexOf('\n') + 1).lines().toList();
        Set<String> recorded = allowed(List.of(beforeLines, Files.readAllLines(file)));
        assertEveryBodyRecorded(run, recorded);
        assertNoticed(run, file);
        if (journal) {
            assertTrue(Files.isRegularFile(dir.resolve("records.jsonl.journal")), "the journal is made again");
        }
        ForkedJvm.Run verify =
                ForkedJvm.agentCli(jdk, "verify", file.toString()).assertExit(0);
        assertTrue(verify.stdout().contains("records_continued"), verify.describe());
    }

    /** The app, started, with records in its file. */
    private Running start(Jdk jdk, Path file, boolean journal) throws Exception {
        AgentApp.Running run = AgentApp.on(jdk, dir)
                .policy("""
                    version: "it-records-file-1"
                    default: deny
                    rules:
                      - id: working
                        action: work
                        when: 'args.call >= 0'
                        verdict: allow
                    """)
                .records(file)
                .option("records_journal=" + journal)
                .classpath(AppClasspath.appsOnly())
                .main(RecordsFileApp.class, Integer.toString(THREADS))
                .start();
        run.await("records in " + file, () -> lines(file) >= 200);
        return new Running(run);
    }

    private record Running(AgentApp.Running run) {

        /** Waits for the new file to begin with a continuation record and fill, then stops the app. */
        ForkedJvm.Run finish(Path file) {
            try (run) {
                run.await("a new " + file + " that begins with records_continued", () -> continued(file));
                long linesThen = lines(file);
                run.await("more records in the new " + file, () -> lines(file) >= linesThen + 200);
                run.signal("stop");
                return run.finish().assertExit(0);
            }
        }
    }

    private static long lines(Path file) {
        try (var lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean continued(Path file) {
        try (var lines = Files.lines(file)) {
            String first = lines.findFirst().orElse("");
            return first.endsWith("}")
                    && "records_continued"
                            .equals(JSON.readTree(first).path("kind").asText());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@code thread/call} of every allow decision in these files' lines. */
    private static Set<String> allowed(List<List<String>> files) throws IOException {
        Set<String> calls = new HashSet<>();
        for (List<String> lines : files) {
            for (String line : lines) {
                JsonNode record = JSON.readTree(line);
                if ("decision".equals(record.path("kind").asText())
                        && "allow".equals(record.path("verdict").asText())) {
                    calls.add(record.path("arguments").path("thread").asInt() + "/"
                            + record.path("arguments").path("call").asInt());
                }
            }
        }
        return calls;
    }

    private static void assertEveryBodyRecorded(ForkedJvm.Run run, Set<String> recorded) {
        AppOutput out = run.output();
        long ran = 0;
        List<String> missing = new java.util.ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int calls = Integer.parseInt(out.fact("calls." + t));
            assertEquals(
                    "[]", out.fact("denied." + t), "nothing is denied while a new file can be made\n" + run.describe());
            for (int call = 0; call < calls; call++) {
                ran++;
                if (!recorded.contains(t + "/" + call)) {
                    missing.add(t + "/" + call);
                }
            }
        }
        assertEquals(Long.toString(ran), out.fact("bodies"), run.describe());
        assertTrue(
                missing.isEmpty(),
                missing.size() + " of " + ran + " bodies ran without a readable decision" + " record, e.g. "
                        + missing.subList(0, Math.min(10, missing.size())));
    }

    private static void assertNoticed(ForkedJvm.Run run, Path file) {
        assertTrue(run.stderr().contains("ERROR the records file " + file + " (file "), run.describe());
    }
}
