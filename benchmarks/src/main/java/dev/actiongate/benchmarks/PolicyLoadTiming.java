package dev.actiongate.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a policy of 10,000 rules costs before the first call: {@code check} of the policy, and
 * an application's first governed call, which waits for the agent to load and compile the
 * policy on its background thread. Each of {@code enforce.yaml} (2 rules), 10,000 rules over
 * 100 actions and 10,000 rules on the called action, in JVMs with a 200 MB heap
 * ({@code -Xmx200m}), {@code runs} times in turn after one untimed start of each. Reports the
 * median wall-clock time of:
 * <ul>
 *   <li>check: {@code java -Xmx200m -jar actiongate-agent.jar check POLICY}, spawn to exit,
 *       JVM start included;</li>
 *   <li>main to first governed call: {@link StartupProbe}'s first call, from its {@code main}
 *       until the call returned (allowed by the policy's first rule), with a {@code startup_timeout}
 *       long enough that the call waits for the policy however long it takes.</li>
 * </ul>
 */
final class PolicyLoadTiming {

    private static final String HEAP = "-Xmx200m";

    private static final Map<String, String> POLICIES = new LinkedHashMap<>();

    static {
        POLICIES.put("2 rules (enforce.yaml)", "enforce.yaml");
        POLICIES.put("10,000 rules over 100 actions", "rules-10000-over-100-actions.yaml");
        POLICIES.put("10,000 rules on the called action", "rules-10000-on-bench_allowed.yaml");
    }

    private PolicyLoadTiming() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1");
        }
        BenchWorkspace workspace = BenchWorkspace.get();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.println("# ActionGate agent jar: " + workspace.agentJar());
        System.out.println("# JVM: " + java + " (" + System.getProperty("java.vm.name") + " " + Runtime.version()
                + "), " + Runtime.getRuntime().availableProcessors() + " CPUs, " + HEAP);
        System.out.println("# " + runs + " timed runs of each, in turn, after one untimed run of each");
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        for (int run = 0; run <= runs; run++) {
            for (Map.Entry<String, String> policy : POLICIES.entrySet()) {
                double check = check(workspace, java, policy.getValue());
                double firstCall = firstCall(workspace, java, policy.getValue());
                if (run > 0) {
                    samples.computeIfAbsent(policy.getKey(), key -> new ArrayList<>())
                            .add(new double[] {check, firstCall});
                    System.out.printf(
                            Locale.ROOT,
                            "run %d %-34s check %7.0f ms, main->first call %7.0f ms%n",
                            run,
                            policy.getKey(),
                            check,
                            firstCall);
                }
            }
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT, "%-34s %12s %24s%n", "median of " + runs + " runs, ms", "check", "main to first call");
        samples.forEach((policy, values) -> System.out.printf(
                Locale.ROOT,
                "%-34s %12.0f %24.0f%n",
                policy,
                StartupTiming.median(values, 0),
                StartupTiming.median(values, 1)));
    }

    /** Milliseconds from spawning {@code check} of {@code policy} to its exit; fails unless it passes. */
    private static double check(BenchWorkspace workspace, String java, String policy)
            throws IOException, InterruptedException {
        List<String> command = List.of(
                java,
                HEAP,
                "-jar",
                workspace.agentJar().toString(),
                "check",
                workspace.policy(policy).toString());
        long start = System.nanoTime();
        String output = run(command);
        double millis = (System.nanoTime() - start) / 1e6;
        if (!output.contains(": OK, policy ")) {
            throw new IllegalStateException("check failed: " + command + "\n" + output);
        }
        return millis;
    }

    /** Milliseconds from {@link StartupProbe}'s {@code main} until its first governed call returned. */
    private static double firstCall(BenchWorkspace workspace, String java, String policy)
            throws IOException, InterruptedException {
        Path records = workspace.newRecordsFile("policy-load");
        try {
            List<String> command = List.of(
                    java,
                    HEAP,
                    // Waits as long as loading takes, rather than be denied at the default 10 s.
                    workspace.javaAgentOption(policy, records) + ",startup_timeout=5m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    StartupProbe.class.getName());
            String output = run(command);
            Map<String, Long> values = StartupTiming.parse(output);
            if (values == null) {
                throw new IllegalStateException("the start-up probe failed: " + command + "\n" + output);
            }
            return (values.get("first_call_us") - values.get("main_us")) / 1000.0;
        } finally {
            BenchWorkspace.deleteQuietly(records);
        }
    }

    /** Runs {@code command} to its end; its output, both streams, or a failure with it. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("exit " + exit + ": " + command + "\n" + output);
        }
        return output;
    }
}
