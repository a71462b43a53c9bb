package dev.actiongate.agent.approvals;

import dev.actiongate.agent.records.CanonicalJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An approvals store checked as evidence, without the agent ({@code verify --approvals}): every
 * line's seal under the store's key, and, given the decision records, its open requests against
 * them, as the agent checks them when it starts. Reads only: the store and its key are left as
 * they are.
 */
public final class StoreCheck {

    private StoreCheck() {}

    /**
     * A line the check refuses.
     *
     * @param line     1-based
     * @param approval the approval it is about, or {@code null} when it is none
     * @param status   what the store's line says of it (pending or approved), or {@code null}
     */
    public record Finding(int line, String approval, String status, String problem) {}

    /**
     * What the check found.
     *
     * @param lines        the store's non-empty lines
     * @param open         the requests the store holds open (pending or approved) with sealed lines
     * @param unsealed     lines not sealed, or whose seal does not hold, in file order
     * @param contradicted open requests the decision records contradict; empty when none were given
     * @param tornBytes    the length of a last line cut short (no newline), 0 when there is none
     */
    public record Result(int lines, int open, List<Finding> unsealed, List<Finding> contradicted, int tornBytes) {

        public boolean holds() {
            return unsealed.isEmpty() && contradicted.isEmpty();
        }
    }

    /** The decision records, newest first: every record of the files given. */
    @FunctionalInterface
    public interface Records {
        void newestFirst(Consumer<Map<String, Object>> each) throws IOException;
    }

    /** The key file of {@code store} when none is named: {@code <store>.key}, beside it. */
    public static Path keyFileOf(Path store) {
        return StoreKey.fileOf(store.toAbsolutePath());
    }

    /**
     * Checks {@code store}'s seals with the key in {@code keyFile}, and its open requests against
     * {@code records} unless that is {@code null}.
     *
     * @throws IOException when the store or the key cannot be read, or the key file is no store key
     */
    public static Result check(Path store, Path keyFile, Records records) throws IOException {
        StoreKey key = StoreKey.forChecking(keyFile);
        byte[] bytes = Files.readAllBytes(store);
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        int torn = tornBytes(text, lines);
        int count = (int) lines.stream().filter(line -> !line.isBlank()).count();
        StoreLines.Read read;
        try {
            read = StoreLines.read(store, lines, key);
        } catch (IOException notAnApproval) {
            Finding broken = new Finding(0, null, null, notAnApproval.getMessage());
            return new Result(count, 0, List.of(broken), List.of(), torn);
        }
        List<Finding> unsealed = new ArrayList<>();
        for (StoreLines.Broken broken : read.broken()) {
            unsealed.add(new Finding(broken.line(), broken.id(), null, broken.problem()));
        }
        List<Approval> open = read.approvals().values().stream()
                .filter(approval -> approval.status().open())
                .toList();
        List<Finding> contradicted = new ArrayList<>();
        if (records != null) {
            Approvals.History history = (since, each) -> records.newestFirst(each);
            for (StoreReconciliation.Finding finding : StoreReconciliation.findings(open, history)) {
                Approval approval = finding.approval();
                Integer line = read.lineOf().get(approval.id());
                contradicted.add(new Finding(
                        line == null ? 0 : line,
                        approval.id(),
                        approval.status().wireName(),
                        finding.problem()));
            }
        }
        return new Result(count, open.size(), unsealed, contradicted, torn);
    }

    /** The length of a last line a write stopped in (no newline, not JSON), which the agent drops; else 0. */
    private static int tornBytes(String text, List<String> lines) {
        if (text.isEmpty() || text.endsWith("\n")) {
            return 0;
        }
        String last = lines.get(lines.size() - 1);
        try {
            CanonicalJson.parse(last);
            return 0;
        } catch (IOException | RuntimeException notWhole) {
            return last.getBytes(StandardCharsets.UTF_8).length;
        }
    }
}
