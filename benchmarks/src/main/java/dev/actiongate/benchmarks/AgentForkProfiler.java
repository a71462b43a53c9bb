package dev.actiongate.benchmarks;

import java.io.File;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.ExternalProfiler;
import org.openjdk.jmh.profile.ProfilerException;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;

/**
 * Not a profiler: JMH's hook for adding JVM options per fork. A fork of a benchmark class
 * annotated {@link WithAgent} gets {@code -javaagent:<agent jar>=policy=<policy>,records=<file>}
 * with a records file of its own, deleted when the fork has ended; every other fork starts
 * without the agent. This is what lets forks with and without the agent, and with different
 * policies, run in one JMH invocation.
 *
 * <p>{@link RunBenchmarks} adds it; with the plain JMH main, pass
 * {@code -prof dev.actiongate.benchmarks.AgentForkProfiler}.
 */
public final class AgentForkProfiler implements ExternalProfiler {

    /** The records file of the fork being started; JMH runs the forks of a benchmark one by one. */
    private Path records;

    private String agentOption;

    /** For {@code ServiceLoader}, which JMH uses to list profilers; must not fail. */
    public AgentForkProfiler() {}

    /** What JMH calls for {@code -prof}; fails the run up front when the agent jar is missing. */
    public AgentForkProfiler(String options) throws ProfilerException {
        if (options != null && !options.isBlank()) {
            throw new ProfilerException("AgentForkProfiler takes no options; choose the agent jar with -D"
                    + BenchWorkspace.AGENT_JAR_PROPERTY + "=/path/to/actiongate-agent.jar");
        }
        try {
            BenchWorkspace.get();
        } catch (RuntimeException e) {
            throw new ProfilerException(e.getMessage(), e);
        }
    }

    @Override
    public Collection<String> addJVMInvokeOptions(BenchmarkParams params) {
        return List.of();
    }

    @Override
    public Collection<String> addJVMOptions(BenchmarkParams params) {
        // A fork that failed before afterTrial leaves its file; it is of no use to the next one.
        BenchWorkspace.deleteQuietly(records);
        records = null;
        agentOption = null;
        WithAgent withAgent = withAgent(params.getBenchmark());
        if (withAgent == null) {
            return List.of();
        }
        BenchWorkspace workspace = BenchWorkspace.get();
        records = workspace.newRecordsFile(
                params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1));
        agentOption = workspace.javaAgentOption(policy(withAgent, params), records) + store(params);
        return List.of(agentOption, "-D" + ForkChecks.RECORDS_PROPERTY + "=" + records);
    }

    @Override
    public void beforeTrial(BenchmarkParams params) {
        // JMH's "# VM options" line does not show what a profiler adds; say it here.
        System.out.println();
        System.out.println(
                agentOption == null
                        ? "# ActionGate: this fork runs WITHOUT the agent"
                        : "# ActionGate: this fork runs with " + agentOption);
    }

    @Override
    @SuppressWarnings("rawtypes") // the raw Result is JMH's signature
    public Collection<? extends Result> afterTrial(BenchmarkResult result, long pid, File stdOut, File stdErr) {
        BenchWorkspace.deleteQuietly(records);
        records = null;
        return List.of();
    }

    @Override
    public boolean allowPrintOut() {
        return true;
    }

    @Override
    public boolean allowPrintErr() {
        return true;
    }

    @Override
    public String getDescription() {
        return "Starts the forks of @WithAgent benchmark classes with the ActionGate agent (-javaagent)";
    }

    /**
     * For a benchmark with a {@code store} {@code @Param} of {@code fleet}: the agent options that
     * put it on the PostgreSQL database {@link BenchStore} names. {@code file} and {@code memory}
     * are the embedded defaults: nothing to add.
     */
    private static String store(BenchmarkParams params) {
        if (!params.getParamsKeys().contains("store")) {
            return "";
        }
        String store = params.getParam("store");
        return switch (store) {
            case "file", "memory" -> "";
            case "fleet" -> BenchStore.agentOptions("bench", "store=fleet");
            default ->
                throw new IllegalStateException(
                        "unknown store '" + store + "': file or memory (embedded, the default) or fleet (PostgreSQL)");
        };
    }

    /** The policy's name, each {@code {param}} in it replaced by that {@code @Param}'s value in this fork. */
    private static String policy(WithAgent withAgent, BenchmarkParams params) {
        String policy = withAgent.policy();
        for (String key : params.getParamsKeys()) {
            policy = policy.replace("{" + key + "}", params.getParam(key));
        }
        return policy;
    }

    /** The annotation on the class declaring {@code benchmark} (its fully qualified method name). */
    private static WithAgent withAgent(String benchmark) {
        String className = benchmark.substring(0, benchmark.lastIndexOf('.'));
        try {
            // Not initialised: only the annotation is read, nothing of the benchmark runs here.
            Class<?> type = Class.forName(className, false, AgentForkProfiler.class.getClassLoader());
            return type.getAnnotation(WithAgent.class);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("benchmark class " + className + " not found", e);
        }
    }
}
