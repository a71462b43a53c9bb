package dev.actiongate.agent.cli;

import dev.actiongate.agent.ActionGateAgent;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.policy.PolicyException;
import dev.actiongate.agent.policy.PolicyLoader;
import dev.actiongate.agent.records.ChainVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code java -jar actiongate-agent.jar COMMAND}: offline tools for ops. Every command returns
 * its exit code instead of exiting, so it can be tested in-process.
 */
public final class Cli {

    private static final String USAGE = String.join("\n",
            "usage: java -jar actiongate-agent.jar COMMAND",
            "  verify FILE        check the hash chain of a decision records file",
            "                     (exit 0 when intact, 1 with the first bad line when not)",
            "  check POLICY       compile a policy file and report every problem",
            "  version            print the agent version");

    private Cli() {
    }

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
                return args.length == 2 ? verify(Path.of(args[1]), out, err) : usage(err);
            case "check":
                return args.length == 2 ? check(Path.of(args[1]), out, err) : usage(err);
            case "version":
                out.println("ActionGate " + ActionGateAgent.version());
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

    private static int usage(PrintStream err) {
        err.println(USAGE);
        return 2;
    }

    private static int verify(Path file, PrintStream out, PrintStream err) {
        if (!Files.isRegularFile(file)) {
            err.println(file + ": no such file");
            return 2;
        }
        try {
            ChainVerifier.Result result = ChainVerifier.verify(file);
            if (result.intact()) {
                out.println(file + ": OK, " + result.records() + " records, chain intact (last hash " + result.lastHash() + ")");
                return 0;
            }
            out.println(file + ": BROKEN at line " + result.badLine() + ": " + result.problem()
                    + " (" + result.records() + " records before it are intact)");
            return 1;
        } catch (IOException e) {
            err.println(file + ": cannot be read: " + e);
            return 2;
        }
    }

    private static int check(Path file, PrintStream out, PrintStream err) {
        try {
            Policy policy = new PolicyLoader().load(file);
            out.println(file + ": OK, policy " + policy.version() + ", " + policy.rules().size() + " rules, default "
                    + policy.defaultVerdict().wireName() + ", " + policy.mode().name().toLowerCase() + " mode");
            return 0;
        } catch (PolicyException e) {
            e.problems().forEach(err::println);
            return 1;
        }
    }
}
