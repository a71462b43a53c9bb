package dev.actiongate.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmarks without anyone having to know where the agent jar is.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.actiongate.benchmarks.RunBenchmarks [JMH options]
 * java -cp benchmarks/target/benchmarks.jar dev.actiongate.benchmarks.RunBenchmarks startup [runs]
 * java -cp benchmarks/target/benchmarks.jar dev.actiongate.benchmarks.RunBenchmarks policy-load [runs]
 * benchmarks/with-postgres.sh java -cp benchmarks/target/benchmarks.jar dev.actiongate.benchmarks.RunBenchmarks wakeup [calls]
 * </pre>
 *
 * The first form is one JMH invocation over every benchmark (or those the JMH options select),
 * with {@link AgentForkProfiler} deciding per fork whether and with which policy the agent
 * starts, then a summary of medians against the no-agent baseline. The second measures the
 * agent's start-up ({@link StartupTiming}); the third, what a policy of 10,000 rules costs
 * before the first call ({@link PolicyLoadTiming}); the fourth, how soon a call held on one instance
 * of a fleet goes on after a review on another ({@link WakeupTiming}). The agent jar is {@code -Dactiongate.agent.jar} or
 * {@code agent/target/actiongate-agent.jar} of this repository.
 */
public final class RunBenchmarks {

    private RunBenchmarks() {}

    public static void main(String[] args) throws Exception {
        if (runHarness(args)) {
            return;
        }
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (options.shouldHelp()
                || options.shouldList()
                || options.shouldListWithParams()
                || options.shouldListProfilers()
                || options.shouldListResultFormats()) {
            // Nothing runs: JMH's own main answers these exactly as documented.
            org.openjdk.jmh.Main.main(args);
            return;
        }
        System.out.println("# ActionGate agent jar: " + workspace().agentJar());
        if (options.getParameter("store").hasValue()
                && options.getParameter("store").get().contains("fleet")) {
            try {
                BenchStore.agentOptions("bench", "store=fleet"); // says what to do when no database is given
            } catch (IllegalStateException e) {
                System.err.println("ERROR: " + e.getMessage());
                System.exit(2);
                return;
            }
        }

        runJmh(options);
    }

    /** Runs the harness {@code args[0]} names ({@code startup}, {@code wakeup}, {@code policy-load}); whether it did. */
    private static boolean runHarness(String[] args) throws Exception {
        if (args.length == 0) {
            return false;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "startup" -> {
                workspace();
                StartupTiming.main(rest);
            }
            case "wakeup" -> {
                workspace();
                WakeupTiming.main(rest);
            }
            case "policy-load" -> {
                workspace();
                PolicyLoadTiming.main(rest);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Runs JMH with {@code options}, each fork given the agent its benchmark asks for, then prints the medians. */
    private static void runJmh(CommandLineOptions options) {
        ChainedOptionsBuilder builder = new OptionsBuilder().parent(options);
        if (!options.getJvmArgs().hasValue()) {
            // JMH gives forks the host's JVM options; -Dactiongate.agent.jar and -Dactiongate.bench.store*
            // are for this JVM only, and the agent would warn about actiongate.* properties it does not know.
            builder.jvmArgs(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(argument -> !argument.startsWith("-D" + BenchWorkspace.AGENT_JAR_PROPERTY + "=")
                            && !argument.startsWith("-D" + BenchStore.PROPERTY))
                    .toArray(String[]::new));
        }
        boolean given = options.getProfilers().stream()
                .anyMatch(profiler -> profiler.getKlass().equals(AgentForkProfiler.class.getName()));
        if (!given) {
            builder.addProfiler(AgentForkProfiler.class);
        }
        Collection<RunResult> results;
        try {
            results = new Runner(builder.build()).run();
        } catch (NoBenchmarksException e) {
            System.err.println("No benchmark matches the given patterns; list them with -l");
            System.exit(1);
            return;
        } catch (RunnerException e) {
            System.err.print("ERROR: ");
            e.printStackTrace(System.err);
            System.exit(1);
            return;
        }
        MedianSummary.print(results, System.out);
    }

    /** The workspace, or exit with the reason when the agent jar cannot be found. */
    private static BenchWorkspace workspace() {
        try {
            return BenchWorkspace.get();
        } catch (RuntimeException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(2);
            throw e; // not reached
        }
    }
}
