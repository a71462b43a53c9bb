package dev.actiongate.agent.cli;

import dev.actiongate.agent.AgentVersion;
import dev.actiongate.agent.admin.ReviewerTokens;
import dev.actiongate.agent.policy.GovernEntry;
import dev.actiongate.agent.policy.Limit;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.policy.PolicyException;
import dev.actiongate.agent.policy.PolicyLoader;
import java.io.PrintStream;
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
            "  verify [--key KEY] [--checkpoints TRAIL] FILE...",
            "                     check the hash chain of a decision records file, every line's exact",
            "                     bytes (exit 0 when intact, 1 with the first bad line when not); given",
            "                     several, also that each continues the one before it. With --key (the",
            "                     verification key, or a file holding it), that every record is sealed",
            "                     by that key; with --checkpoints (the trail file, or a log holding",
            "                     the actiongate.checkpoints lines, or a fleet store's jdbc:postgresql:",
            "                     URL with --store-user and --store-password-file, where shipped",
            "                     checkpoints are), that no sealed record is missing from the end",
            "  verify --store URL [--store-user USER] [--store-password-file FILE]",
            "                     check every instance's chain of decision records shipped to the",
            "                     fleet's database, and report lines missing from each and calls",
            "                     that ran on an approval no approval_reviewed record approves",
            "  verify --approvals STORE [--store-key KEYFILE] [FILE...]",
            "                     check that every line of an approvals store is sealed by its key",
            "                     (default STORE.key); given the decision records FILE..., oldest first,",
            "                     also that they agree with its open requests (an approval they show",
            "                     used, or no reviewer approving). Exit 0 when it holds, 1 with the",
            "                     lines that do not",
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
                return VerifyCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
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
            for (Limit limit : policy.limits()) {
                out.println(file + ":" + limit.line() + ": limit '" + limit.id() + "' on '" + limit.action() + "': "
                        + (limit.sum() == null
                                ? limit.max() + " calls"
                                : "a sum of " + limit.sumText() + " up to " + limit.max())
                        + " per " + limit.perText() + " for each " + limit.keyText() + ", then "
                        + limit.verdict().wireName());
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
