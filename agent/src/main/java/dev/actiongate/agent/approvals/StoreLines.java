package dev.actiongate.agent.approvals;

import dev.actiongate.agent.records.CanonicalJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The lines of an approvals store file: each is the canonical JSON of a request with its seal
 * appended, {@code {...,"mac":"<64 hex>"}}, where the seal is the HMAC-SHA256 under the
 * {@link StoreKey} of the previous line's seal (64 zeros for the first line), a newline, and the
 * line's canonical JSON without the seal. Reading checks every seal: a request with a line whose
 * seal does not hold, or with no seal, is refused, whatever its later lines say.
 */
final class StoreLines {

    private static final String SEAL_FIELD = ",\"mac\":\"";
    /** {@code ,"mac":"} + 64 hex digits + {@code "}}. */
    private static final int SEAL_LENGTH = SEAL_FIELD.length() + 64 + 2;

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private StoreLines() {}

    /**
     * A line whose seal does not hold.
     *
     * @param line    1-based, in the file as it was read
     * @param problem why, for the log and the record
     */
    record Broken(String id, int line, String problem) {}

    /**
     * What a store file says once its seals are checked.
     *
     * @param approvals the last state of each request; refused ones have status {@code refused}
     * @param lineOf    where each request's last state was read from (1-based)
     * @param broken    the lines that were refused, in file order
     */
    record Read(Map<String, Approval> approvals, Map<String, Integer> lineOf, List<Broken> broken) {}

    /** A line to write, and its seal, which the next line is chained to. */
    record Sealed(String text, String seal) {}

    static Sealed seal(Approval approval, String previous, StoreKey key) {
        byte[] body = CanonicalJson.bytes(approval.toMap());
        String seal = key.seal(previous, body);
        String json = new String(body, StandardCharsets.UTF_8);
        return new Sealed(json.substring(0, json.length() - 1) + SEAL_FIELD + seal + "\"}\n", seal);
    }

    /**
     * Reads {@code lines} of {@code file}. A last line cut short by a crash is dropped; any other
     * line that is not a request stops the reading, since guessing would lose approvals.
     */
    static Read read(Path file, List<String> lines, StoreKey key) throws IOException {
        Map<String, Approval> approvals = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        List<Broken> broken = new ArrayList<>();
        Set<String> refused = new HashSet<>();
        String previous = StoreKey.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String seal = sealOf(line);
            String body = seal == null ? line : line.substring(0, line.length() - SEAL_LENGTH) + "}";
            Approval approval;
            try {
                approval = Approval.fromMap(CanonicalJson.parse(body));
            } catch (IOException | RuntimeException e) {
                if (i == lines.size() - 1) {
                    break; // torn by a crash mid-write: that change was never acknowledged
                }
                throw new IOException(
                        file + ":" + (i + 1) + ": not an approval (" + e.getMessage()
                                + "); move the file aside or repair the line",
                        e);
            }
            String problem = problem(seal, previous, body, key);
            if (seal != null) {
                previous = seal;
            }
            if (problem != null) {
                broken.add(new Broken(approval.id(), i + 1, problem));
                refused.add(approval.id());
                approvals.put(approval.id(), approval.withStatus(ApprovalStatus.REFUSED, approval.consumedBy()));
                lineOf.put(approval.id(), i + 1);
            } else if (!refused.contains(approval.id())) {
                approvals.put(approval.id(), approval);
                lineOf.put(approval.id(), i + 1);
            }
        }
        return new Read(approvals, lineOf, broken);
    }

    /** The seal at the end of {@code line}, or {@code null} when it has none. */
    private static String sealOf(String line) {
        int at = line.length() - SEAL_LENGTH;
        if (at <= 0 || !line.startsWith(SEAL_FIELD, at) || !line.endsWith("\"}")) {
            return null;
        }
        String seal = line.substring(at + SEAL_FIELD.length(), line.length() - 2);
        return HEX64.matcher(seal).matches() ? seal : null;
    }

    private static String problem(String seal, String previous, String body, StoreKey key) {
        if (seal == null) {
            return "the line is not sealed: written by a version of the agent before store lines were sealed,"
                    + " or by someone else";
        }
        if (key.holds(seal, previous, body.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return "its seal does not hold: the line was edited, moved or written by someone without the store's key"
                + " (or a line before it was removed)"
                + (key.made() ? "; the store's key " + key.file() + " was missing and has been made anew" : "");
    }
}
