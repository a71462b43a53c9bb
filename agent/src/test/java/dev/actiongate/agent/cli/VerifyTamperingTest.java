package dev.actiongate.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.WrittenRecords;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} on a records file a started agent wrote, in-process: intact, edited, with a line
 * deleted, with lines swapped. That the agent jar runs {@code verify} on what a real application
 * left behind, a crash included, is the forked VerifyTest's.
 */
class VerifyTamperingTest {

    @TempDir
    Path dir;

    @Test
    void verifyFindsEveryKindOfTampering() throws Exception {
        Path original = WrittenRecords.of(dir, """
                version: "verify-1"
                default: allow
                rules:
                  - id: no-deletes
                    action: delete_file
                    verdict: deny
                """, List.of("ann", "bob", "cy"));
        List<String> lines = Files.readAllLines(original);
        // greet ann, bob, cy: decision + outcome each; delete: a denied decision; transfer: decision + outcome
        // (and the records that name and seal the log, wherever the writer put them)
        assertEquals(
                List.of("greet allow", "greet allow", "greet allow", "delete_file deny", "transfer_money allow"),
                WrittenRecords.summaries(original, "decision", "verdict"),
                String.join("\n", lines));
        assertEquals(
                List.of("greet returned", "greet returned", "greet returned", "transfer_money returned"),
                WrittenRecords.summaries(original, "outcome", "outcome"),
                String.join("\n", lines));
        int denied = 0;
        while (!lines.get(denied).contains("\"verdict\":\"deny\"")) {
            denied++;
        }

        String intact = verify(original, 0);
        assertTrue(intact.contains(original + ": OK, " + lines.size() + " records"), intact);

        List<String> edited = new ArrayList<>(lines);
        edited.set(denied, lines.get(denied).replace("\"verdict\":\"deny\"", "\"verdict\":\"allow\""));
        assertBroken("edited.jsonl", edited, denied + 1, "edited");

        List<String> gap = new ArrayList<>(lines);
        gap.remove(4);
        assertBroken("deleted.jsonl", gap, 5, "deleted");

        List<String> swapped = new ArrayList<>(lines);
        Collections.swap(swapped, 2, 3);
        assertBroken("swapped.jsonl", swapped, 3, "");
    }

    private void assertBroken(String name, List<String> lines, int badLine, String why) throws Exception {
        Path copy = Files.write(dir.resolve(name), lines);
        String said = verify(copy, 1);
        assertTrue(said.contains(copy + ": BROKEN at line " + badLine + ": "), said);
        assertTrue(said.contains(why), "the reason says " + why + "\n" + said);
    }

    /** Runs {@code verify file}, which must end with {@code exit}; returns what it printed. */
    private static String verify(Path file, int exit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int ended = Cli.run(
                new String[] {"verify", file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String said = out.toString(StandardCharsets.UTF_8);
        assertEquals(exit, ended, said);
        return said;
    }
}
