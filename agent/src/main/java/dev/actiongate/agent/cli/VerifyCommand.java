package dev.actiongate.agent.cli;

import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.fleet.ShippedRecords;
import dev.actiongate.agent.records.ChainVerifier;
import dev.actiongate.agent.records.CheckpointTrail;
import dev.actiongate.agent.records.RecordLog;
import dev.actiongate.agent.records.SealCheck;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code verify [--key KEY] [--checkpoints TRAIL] FILE...}: the hash chain and exact bytes of
 * each records file, that each continues the one before it, and, with the verification key, that
 * every record is sealed by it; with the checkpoint trail (a file, or the fleet's database where
 * checkpoints are shipped), that none was cut from the end. With
 * {@code --approvals STORE [--store-key KEYFILE]}, also the approvals store's seals, and its open
 * requests against the records files given ({@link ApprovalsVerify}).
 */
final class VerifyCommand {

    private static final Set<String> OPTIONS =
            Set.of("--key", "--checkpoints", "--approvals", "--store-key", "--store-user", "--store-password-file");

    private VerifyCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (List.of(args).contains("--store")) {
            return StoreVerify.run(args, out, err);
        }
        List<Path> files = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (OPTIONS.contains(args[i]) && i + 1 < args.length) {
                options.put(args[i], args[++i]);
            } else if (args[i].startsWith("--")) {
                err.println("verify: unknown option " + args[i]);
                return Cli.usage(err);
            } else {
                files.add(Path.of(args[i]));
            }
        }
        String key = options.get("--key");
        String trail = options.get("--checkpoints");
        Path store = options.containsKey("--approvals") ? Path.of(options.get("--approvals")) : null;
        if (store == null && (files.isEmpty() || options.containsKey("--store-key"))) {
            return Cli.usage(err);
        }
        if (trail != null && key == null) {
            err.println("verify: --checkpoints needs --key: the trail is read for that key's checkpoints");
            return 2;
        }
        byte[] seed = null;
        if (key != null) {
            try {
                seed = verificationKey(key);
            } catch (IOException | IllegalArgumentException e) {
                err.println("verify: " + e.getMessage());
                return 2;
            }
        }
        NavigableMap<Long, String> known = null;
        if (trail != null) {
            try {
                known = checkpoints(trail, options, seed);
            } catch (IOException | RuntimeException e) {
                err.println("verify: the checkpoint trail " + trail + " cannot be read: " + e.getMessage());
                return 2;
            }
        }
        int exit = files.isEmpty() ? 0 : verifyAll(files, seed, known, out, err);
        if (store == null) {
            return exit;
        }
        Path storeKey = options.containsKey("--store-key") ? Path.of(options.get("--store-key")) : null;
        return Math.max(exit, ApprovalsVerify.run(store, storeKey, files, out, err));
    }

    /**
     * The checkpoints of the key {@code seed} in the trail: a file (the trail file, or a log of
     * {@code actiongate.checkpoints} lines) or the fleet's database, where shipped checkpoints are.
     */
    private static NavigableMap<Long, String> checkpoints(String trail, Map<String, String> options, byte[] seed)
            throws IOException {
        String fingerprint = new SealCheck(seed, new TreeMap<>()).fingerprint();
        if (!trail.startsWith("jdbc:")) {
            return CheckpointTrail.read(Path.of(trail), fingerprint);
        }
        Path passwordFile =
                options.containsKey("--store-password-file") ? Path.of(options.get("--store-password-file")) : null;
        return ShippedRecords.checkpoints(
                new AgentConfig.Store(trail, options.get("--store-user"), passwordFile, null),
                System.getenv(),
                fingerprint);
    }

    /**
     * The verification key given as its 64 hex digits, or the file that holds them; a file given
     * that way is read, never a secret taken from the command line only.
     */
    static byte[] verificationKey(String given) throws IOException {
        String text = given;
        if (!isKey(text)) {
            Path file = Path.of(given);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--key " + given + " is neither a verification key (64 hex digits)"
                        + " nor a file that holds one");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!isKey(text)) {
                throw new IllegalArgumentException(
                        "the file " + file + " does not hold a verification key (64 hex digits)");
            }
        }
        return HexFormat.of().parseHex(text.toLowerCase(java.util.Locale.ROOT));
    }

    private static boolean isKey(String text) {
        return text.length() == 64 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** Verifies each file, then that each continues the one before it; the worst exit code wins. */
    private static int verifyAll(
            List<Path> files, byte[] seed, NavigableMap<Long, String> trail, PrintStream out, PrintStream err) {
        int exit = 0;
        Path before = null;
        ChainVerifier.Result beforeResult = null;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            ChainVerifier.Result[] result = new ChainVerifier.Result[1];
            // The trail knows the checkpoints of every file of its key: only the last one given must reach its end.
            exit = Math.max(exit, verify(file, seed, i == files.size() - 1 ? trail : null, out, err, result));
            if (before != null
                    && beforeResult != null
                    && beforeResult.intact()
                    && result[0] != null
                    && result[0].intact()) {
                try {
                    ChainVerifier.Link link = ChainVerifier.link(before, beforeResult, file, result[0]);
                    out.println((link.holds() ? "" : "NOT CONTINUED: ") + link.description());
                    exit = Math.max(exit, link.holds() ? 0 : 1);
                } catch (IOException e) {
                    err.println(file + ": cannot be read: " + e);
                    exit = 2;
                }
            }
            before = file;
            beforeResult = result[0];
        }
        return exit;
    }

    private static int verify(
            Path file,
            byte[] seed,
            NavigableMap<Long, String> trail,
            PrintStream out,
            PrintStream err,
            ChainVerifier.Result[] verdict) {
        if (!Files.isRegularFile(file)) {
            err.println(file + ": no such file");
            return 2;
        }
        try {
            SealCheck seals = null;
            if (seed != null) {
                seals = new SealCheck(seed, trail == null ? new TreeMap<>() : trail);
            }
            ChainVerifier.Result result = ChainVerifier.verify(file, seals);
            verdict[0] = result;
            if (!result.intact()) {
                out.println(file + ": BROKEN at line " + result.badLine() + ": " + result.problem() + " ("
                        + result.records() + " records before it are intact)");
                return 1;
            }
            out.println(file + ": OK, " + result.records() + " records, chain intact (last hash " + result.lastHash()
                    + ")");
            describe(file, result, out);
            if (seals == null) {
                return 0;
            }
            SealCheck.Verdict sealed = seals.verdict();
            out.println(file + ": " + (sealed.holds() ? "" : "NOT SEALED: ") + sealed.description());
            return sealed.holds() ? 0 : 1;
        } catch (IOException e) {
            err.println(file + ": cannot be read: " + e);
            return 2;
        }
    }

    /** What else an intact file says: what it continues, a torn last line, records left in its journal. */
    private static void describe(Path file, ChainVerifier.Result result, PrintStream out) throws IOException {
        ChainVerifier.Continuation continues = result.continues();
        if (continues != null) {
            out.println(file + ": its first record (records_continued) continues the chain of "
                    + continues.previousFile() + " (file " + continues.previousFileKey() + ", "
                    + continues.reason() + ") after hash " + continues.previousHash() + "; "
                    + continues.rewritten() + " records after that hash were written again after it; give"
                    + " that file before this one to verify both together");
        }
        if (result.tornBytes() > 0) {
            out.println(file + ": the last line is cut short (" + result.tornBytes() + " bytes, no newline):"
                    + " the process writing it was stopped mid-write; the agent sets it aside when it next"
                    + " starts with this file");
        }
        int left = RecordLog.leftInJournal(file, result.lastHash()).size();
        if (left > 0) {
            out.println(file + ": " + left + " more record" + (left == 1 ? "" : "s") + " in "
                    + RecordLog.journalOf(file)
                    + " continue the chain: the process writing this file stopped"
                    + " before it could append them; the agent appends them when it next starts with this file");
        }
    }
}
