package dev.actiongate.agent.policy;

import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.Program;

/**
 * The CEL environment every condition is compiled in: the variables {@code action},
 * {@code args}, {@code ctx} and {@code method}, and a boolean result. Built once per JVM.
 */
final class Conditions {

    /**
     * How many iterations of {@code all}, {@code exists}, {@code exists_one}, {@code map} and
     * {@code filter} one evaluation of a condition may take, nested ones included: three nested
     * {@code all} over 2,000 items would take 8 billion and hold the calling thread for hours.
     * Past it the evaluation stops and the rule denies, naming the limit.
     */
    static final int MAX_ITERATIONS = 100_000;

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .build();

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("action", SimpleType.STRING)
            .addVar("args", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("ctx", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("method", MapType.create(SimpleType.STRING, SimpleType.STRING))
            .setResultType(SimpleType.BOOL)
            .build();

    // The evaluator every bounded-cost and fail-closed test was written against; moving to CEL's
    // newer runtime is a change of its own, measured with the benchmarks.
    @SuppressWarnings("InlineMeInliner")
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private Conditions() {}

    /** Compiles a condition, or returns the checker's issues. */
    static Compiled compile(String expression) {
        CelValidationResult result = COMPILER.compile(expression);
        if (result.hasError()) {
            return new Compiled(
                    null,
                    result.getErrors().stream()
                            .map(issue -> "CEL " + issue.getSourceLocation().getLine() + ":"
                                    + (issue.getSourceLocation().getColumn() + 1) + ": " + issue.getMessage())
                            .toList());
        }
        try {
            return new Compiled(RUNTIME.createProgram(result.getAst()), java.util.List.of());
        } catch (Exception e) {
            return new Compiled(null, java.util.List.of(String.valueOf(e.getMessage())));
        }
    }

    record Compiled(Program program, java.util.List<String> errors) {}
}
