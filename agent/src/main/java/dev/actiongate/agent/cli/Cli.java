package dev.actiongate.agent.cli;

import dev.actiongate.agent.AgentVersion;
import dev.actiongate.agent.admin.ReviewerTokens;
import dev.actiongate.agent.policy.GovernEntry;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.policy.PolicyException;
import dev.actiongate.agent.policy.PolicyLoader;
import dev.actiongate.agent.records.ChainVerifier;
import dev.actiongate.agent.records.RecordLog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code java -jar actiongate-agent.jar COMMAND}: offline tools for ops. Every command returns
 * its exit code instead of exiting, so it can be tested in-process.
 */
public final class Cli {

    private static final String USAGE = String.join(
            "\n",
            "usage: java -jar actiongate-agent.jar COMMAND",
            "  verify FILE...     check the hash chain of a decision records file",
            "                     (exit 0 when intact, 1 with the first bad line when not); given",
            "                     several, also that each continues the one before it",
            "  check POLICY       compile a policy file and report every problem, and warn about",
            "                     conditions whose cost grows faster than their input",
            "  status --url URL --token-file FILE",
            "                     what a running agent governs and has decided (admin API); exit 3,",
            "                     listing them, when classes could not be instrumented",
            "  reload --url URL --token-file FILE",
            "                     make a running agent load its policy file again (admin API)",
            "  approvals list --url URL --token-file FILE",
            "                     pending approvals of a running agent",
            "  approvals approve ID [--reviewer NAME] [--comment TEXT] --url URL --token-file FILE",
            "  approvals reject ID [--reviewer NAME] [--comment TEXT] --url URL --token-file FILE",
            "                     decide a pending approval as NAME (exit 0 done, 1 refused); with",
            "                     a reviewer's own token, NAME is the token's and may be left out",
            "  reviewer-token NAME",
            "                     a new token for reviewer NAME, and the line that lists it in the",
            "                     agent's reviewer_tokens_file (the file keeps its SHA-256 only)",
            "  governance [--enabled true|false] [--mode monitor|enforce|policy] --by NAME [--reason TEXT]",
            "             --url URL --token-file FILE",
            "                     switch a running agent's governing off or on, or force its mode",
            "  attach PID [KEY=VALUE,...]",
            "                     load the agent into the running JVM PID with these agent arguments",
            "                     (policy=...,records=...; relative paths are resolved here) and print",
            "                     what it governs; JDK 21+ targets warn unless started with",
            "                     -XX:+EnableDynamicAgentLoading",
            "  attach --list      the JVMs on this machine that can be attached to",
            "  detach PID         restore the original methods in JVM PID and stop the agent there",
            "  version            print the agent version");

    private Cli() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        switch (args[0]) {
            case "verify":
                return args.length >= 2 ? verifyAll(Arrays.copyOfRange(args, 1, args.length), out, err) : usage(err);
            case "check":
                return args.length == 2 ? check(Path.of(args[1]), out, err) : usage(err);
            case "status":
                return AdminCommands.status(args, out, err);
            case "reload":
                return AdminCommands.call(args, 1, "POST", "/policy/reload", null, out, err);
            case "approvals":
                return AdminCommands.approvals(args, out, err);
            case "governance":
                return AdminCommands.governance(args, out, err);
            case "attach":
                return Attach.attach(args, out, err);
            case "detach":
                return Attach.detach(args, out, err);
            case "reviewer-token":
                return args.length == 2 ? reviewerToken(args[1], out, err) : usage(err);
            case "version":
                out.println("ActionGate " + AgentVersion.get());
                return 0;
            case "help":
            case "--help":
            case "-h":
                out.println(USAGE);
                return 0;
            default:
                err.println("unknown command '" + args[0] + "'");
                return usage(err);
        }
    }

    /** Exit code of {@code status} when the agent could not instrument some classes. */
    static final int INSTRUMENTATION_FAILED = 3;

    static int usage(PrintStream err) {
        err.println(USAGE);
        return 2;
    }

    /** Verifies each file, then that each continues the one before it; the worst exit code wins. */
    private static int verifyAll(String[] names, PrintStream out, PrintStream err) {
        int exit = 0;
        Path before = null;
        ChainVerifier.Result beforeResult = null;
        for (String name : names) {
            Path file = Path.of(name);
            ChainVerifier.Result[] result = new ChainVerifier.Result[1];
            exit = Math.max(exit, verify(file, out, err, result));
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

    private static int verify(Path file, PrintStream out, PrintStream err, ChainVerifier.Result[] verdict) {
        if (!Files.isRegularFile(file)) {
            err.println(file + ": no such file");
            return 2;
        }
        try {
            ChainVerifier.Result result = ChainVerifier.verify(file);
            verdict[0] = result;
            if (result.intact()) {
                out.println(file + ": OK, " + result.records() + " records, chain intact (last hash "
                        + result.lastHash() + ")");
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
                    out.println(
                            file + ": " + left + " more record" + (left == 1 ? "" : "s") + " in "
                                    + RecordLog.journalOf(file)
                                    + " continue the chain: the process writing this file stopped"
                                    + " before it could append them; the agent appends them when it next starts with this file");
                }
                return 0;
            }
            out.println(file + ": BROKEN at line " + result.badLine() + ": " + result.problem() + " ("
                    + result.records() + " records before it are intact)");
            return 1;
        } catch (IOException e) {
            err.println(file + ": cannot be read: " + e);
            return 2;
        }
    }

    private static int reviewerToken(String name, PrintStream out, PrintStream err) {
        try {
            String[] minted = ReviewerTokens.mint(name);
            out.println("token for " + name + " (give it to them; it is not kept anywhere): " + minted[0]);
            out.println("line for reviewer_tokens_file: " + minted[1]);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
    }

    /** {@code com.acme.Mailer#send as action 'send_mail'}, or how the action is found. */
    private static String governed(GovernEntry entry) {
        String what = entry.isMethodEntry() ? entry.text() : "every method annotated " + entry.text();
        if (entry.action() != null) {
            return what + " as action '" + entry.action() + "'";
        }
        return what
                + (entry.actionFrom() == GovernEntry.ActionFrom.METHOD
                        ? ", action named after the method"
                        : ", action named by the annotation's name or else the method");
    }

    private static int check(Path file, PrintStream out, PrintStream err) {
        try {
            Policy policy = new PolicyLoader().load(file);
            out.println(file + ": OK, policy " + policy.version() + ", "
                    + policy.rules().size() + " rules, default "
                    + policy.defaultVerdict().wireName() + ", " + policy.mode().wireName() + " mode");
            // What the agent instruments comes from this same parse, whatever syntax the file uses.
            for (GovernEntry entry : policy.govern()) {
                out.println(file + ":" + entry.line() + ": governs " + governed(entry));
            }
            // Warnings do not fail the check: the policy loads, and the agent logs them too.
            policy.warnings().forEach(out::println);
            return 0;
        } catch (PolicyException e) {
            e.problems().forEach(err::println);
            return 1;
        }
    }
}
