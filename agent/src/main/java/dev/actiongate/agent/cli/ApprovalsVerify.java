package dev.actiongate.agent.cli;

import dev.actiongate.agent.approvals.StoreCheck;
import dev.actiongate.agent.records.RecentRecords;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code verify --approvals STORE [--store-key KEYFILE] [RECORDS...]}: the seal of every line of
 * an approvals store, and, given the decision records, its open requests against them. Exit
 * {@code 0} when every line is sealed and nothing contradicts it, {@code 1} when not, {@code 2}
 * when the store or its key cannot be read.
 */
final class ApprovalsVerify {

    /** Lines reported one by one at most; the rest are counted. */
    private static final int SHOWN = 20;

    private ApprovalsVerify() {}

    /** @param keyFile the store's key file, or {@code null} for {@code <store>.key} */
    static int run(Path store, Path keyFile, List<Path> records, PrintStream out, PrintStream err) {
        Path key = keyFile != null ? keyFile : StoreCheck.keyFileOf(store);
        if (!Files.isRegularFile(store)) {
            err.println(store + ": no such file");
            return 2;
        }
        if (!Files.isRegularFile(key)) {
            err.println(store + ": its key file " + key + " does not exist: name the store's key with --store-key");
            return 2;
        }
        StoreCheck.Result result;
        try {
            result = StoreCheck.check(store, key, records.isEmpty() ? null : each -> newestFirst(records, each));
        } catch (IOException e) {
            err.println(store + ": cannot be checked: " + e.getMessage());
            return 2;
        }
        report(store, key, records, result, out);
        return result.holds() ? 0 : 1;
    }

    /** The records of {@code files}, given oldest first, newest first. */
    private static void newestFirst(List<Path> files, Consumer<Map<String, Object>> each) throws IOException {
        for (int i = files.size() - 1; i >= 0; i--) {
            RecentRecords.newestFirst(files.get(i), Instant.MIN, each);
        }
    }

    private static void report(Path store, Path key, List<Path> records, StoreCheck.Result result, PrintStream out) {
        if (result.unsealed().isEmpty()) {
            out.println(store + ": OK, " + result.lines() + " lines, every one sealed by the key " + key);
        }
        print(store, "NOT SEALED: ", result.unsealed(), out);
        if (result.tornBytes() > 0) {
            out.println(store + ": the last line is cut short (" + result.tornBytes() + " bytes, no newline): a write"
                    + " stopped part-way; the agent drops it");
        }
        if (records.isEmpty()) {
            out.println(store + ": a line cut from its end, or the store put back to an earlier copy, leaves every"
                    + " seal holding: give the decision records files too (verify --approvals STORE RECORDS...)"
                    + " to check its open requests against them");
        } else if (result.contradicted().isEmpty()) {
            out.println(store + ": its " + result.open() + " open requests agree with the decision records in "
                    + records.size() + " file" + (records.size() == 1 ? "" : "s"));
        } else {
            print(store, "CONTRADICTED BY THE RECORDS: ", result.contradicted(), out);
        }
    }

    private static void print(Path store, String verdict, List<StoreCheck.Finding> findings, PrintStream out) {
        for (StoreCheck.Finding finding : findings.subList(0, Math.min(SHOWN, findings.size()))) {
            String where = finding.line() > 0 ? "line " + finding.line() + " " : "";
            String what = finding.approval() == null
                    ? ""
                    : "(approval " + finding.approval() + (finding.status() == null ? "" : ", " + finding.status())
                            + "): ";
            out.println(store + ": " + verdict + where + what + finding.problem());
        }
        if (findings.size() > SHOWN) {
            out.println(store + ": " + verdict + (findings.size() - SHOWN) + " more lines");
        }
    }
}
