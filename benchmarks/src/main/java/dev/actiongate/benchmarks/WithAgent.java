package dev.actiongate.benchmarks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that the forks of a benchmark class start with the ActionGate agent and which policy
 * it loads. JMH's own {@code @Fork(jvmArgsAppend)} cannot say this, because it only takes
 * compile-time constants while the agent jar, the policy and the records file are only known
 * when the run starts; {@link AgentForkProfiler} reads this annotation instead. A benchmark class
 * without it runs in a fork without the agent.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface WithAgent {

    /**
     * File name of the policy under {@code dev/actiongate/benchmarks/policies/}, e.g.
     * {@code enforce.yaml}, or of a generated one ({@link GeneratedPolicies}). A {@code {name}} in
     * it is replaced by the value of the benchmark's {@code @Param} {@code name} in each fork.
     */
    String policy();
}
