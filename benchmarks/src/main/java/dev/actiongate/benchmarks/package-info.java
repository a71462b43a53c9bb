/**
 * JMH benchmarks of what ActionGate costs an application, and the launcher that runs them.
 *
 * <p>The benchmarks never put the agent on the class path: like an application, each benchmark
 * fork that needs it is started with {@code -javaagent}. Which forks get the agent, and with
 * which policy, is declared on the benchmark class with {@link dev.actiongate.benchmarks.WithAgent}
 * and applied by {@link dev.actiongate.benchmarks.AgentForkProfiler}, so all forks, with and
 * without the agent, run in one JMH invocation and land in one results table.
 *
 * <p>Entry points: {@link dev.actiongate.benchmarks.RunBenchmarks} runs the call benchmarks or,
 * with {@code startup}, the start-up measurement ({@link dev.actiongate.benchmarks.StartupTiming})
 * or, with {@code policy-load}, what a policy of 10,000 rules costs before the first call
 * ({@link dev.actiongate.benchmarks.PolicyLoadTiming}), or, with {@code wakeup}, how soon a call
 * held on one instance of a fleet goes on after a review on another
 * ({@link dev.actiongate.benchmarks.WakeupTiming}). The fleet benchmarks take their PostgreSQL
 * database from {@link dev.actiongate.benchmarks.BenchStore}; {@code benchmarks/with-postgres.sh}
 * provides a throwaway one.
 */
package dev.actiongate.benchmarks;
