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
            "  status --url URL --token-file FILE",
            "                     what a running agent governs and has decided (admin API)",
            "  reload --url URL --token-file FILE",
            "                     make a running agent load its policy file again (admin API)",
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
            case "status":
                return call(args, "GET", "/status", out, err);
            case "reload":
                return call(args, "POST", "/policy/reload", out, err);
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

    private static int call(String[] args, String method, String path, PrintStream out, PrintStream err) {
        String url = null;
        Path tokenFile = null;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--token-file" -> tokenFile = Path.of(args[i + 1]);
                default -> {
                    err.println("unknown option '" + args[i] + "'");
                    return usage(err);
                }
            }
        }
        if (url == null || tokenFile == null || args.length % 2 == 0) {
            err.println(args[0] + " needs --url and --token-file");
            return usage(err);
        }
        try {
            String token = Files.readString(tokenFile).trim();
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url.replaceAll("/+$", "") + path))
                            .timeout(java.time.Duration.ofSeconds(10))
                            .header("Authorization", "Bearer " + token)
                            .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            (response.statusCode() == 200 ? out : err).println(response.body());
            return response.statusCode() == 200 ? 0 : 1;
        } catch (IOException | IllegalArgumentException e) {
            err.println("cannot reach " + url + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
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
