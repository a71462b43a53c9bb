package dev.actiongate.agent.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.Program;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /** Below this many conditions per thread, another thread costs more than it saves. */
    private static final int MIN_PER_THREAD = 200;

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .build();

    private static final Map<String, CelType> VARIABLES = variables();

    private static final CelCompiler COMPILER = compiler();

    // The evaluator every bounded-cost and fail-closed test was written against; moving to CEL's
    // newer runtime is a change of its own, measured with the benchmarks.
    @SuppressWarnings("InlineMeInliner")
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private Conditions() {}

    private static Map<String, CelType> variables() {
        Map<String, CelType> variables = new LinkedHashMap<>();
        variables.put("action", SimpleType.STRING);
        variables.put("args", MapType.create(SimpleType.STRING, SimpleType.DYN));
        variables.put("ctx", MapType.create(SimpleType.STRING, SimpleType.DYN));
        variables.put("method", MapType.create(SimpleType.STRING, SimpleType.STRING));
        return Collections.unmodifiableMap(variables);
    }

    private static CelCompiler compiler() {
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setResultType(SimpleType.BOOL);
        VARIABLES.forEach(builder::addVar);
        return builder.build();
    }

    /**
     * Compiles each of {@code expressions} once, on up to {@code threads} threads (the calling
     * one among them), each with its own {@link Batch}. An expression missing from the result
     * (a thread that failed) is for the caller to compile itself.
     */
    static Map<String, Compiled> compileAll(Collection<String> expressions, int threads) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(expressions));
        int workers = Math.max(1, Math.min(threads, distinct.size() / MIN_PER_THREAD));
        Map<String, Compiled> compiled = new ConcurrentHashMap<>();
        List<Thread> helpers = new ArrayList<>();
        for (int worker = 1; worker < workers; worker++) {
            int first = worker;
            Thread helper =
                    new Thread(() -> compileEvery(distinct, first, workers, compiled), "actiongate-policy-compile");
            helper.setDaemon(true);
            helper.start();
            helpers.add(helper);
        }
        compileEvery(distinct, 0, workers, compiled);
        boolean interrupted = false;
        for (Thread helper : helpers) {
            while (helper.isAlive()) {
                try {
                    helper.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return compiled;
    }

    /** Expressions {@code first}, {@code first + step}, ... of {@code expressions}. */
    private static void compileEvery(List<String> expressions, int first, int step, Map<String, Compiled> into) {
        Batch batch = new Batch();
        for (int i = first; i < expressions.size(); i += step) {
            into.put(expressions.get(i), batch.compile(expressions.get(i)));
        }
    }

    /**
     * Loads CEL's parser, checker and evaluator, which take a while to load and initialise, by
     * compiling one condition. Whatever goes wrong is for the compilation of the policy's own
     * conditions to find and report.
     */
    @SuppressWarnings("CheckReturnValue")
    static void load() {
        try {
            new Batch().compile("args.a == 'b' && size(ctx) > 1 && action.startsWith('c')");
        } catch (RuntimeException | LinkageError e) {
            // reported, if it happens again, where a condition is compiled
        }
    }

    /** {@code expression} parsed, not checked. */
    static CelValidationResult parse(String expression) {
        return COMPILER.parse(expression);
    }

    /** {@code expression} compiled by the compiler alone, as {@link SharedChecker} must check it. */
    static CelValidationResult compileAlone(String expression) {
        return COMPILER.compile(expression);
    }

    /**
     * Compiles {@code expression} as a value of any type rather than a condition: a limit's
     * {@code key} and {@code sum}. A policy has few of them, so they are compiled one by one.
     */
    static Compiled compileValue(String expression) {
        try {
            CelValidationResult result = Values.COMPILER.compile(expression);
            if (result.hasError()) {
                return Batch.failed(result);
            }
            return new Compiled(
                    RUNTIME.createProgram(result.getAst()), List.of(), ConditionCost.nesting(result.getAst()));
        } catch (Exception e) {
            return new Compiled(null, List.of(String.valueOf(e.getMessage())), List.of());
        }
    }

    /** The compiler of values, built on first use: a policy without limits never pays for it. */
    private static final class Values {
        private static final CelCompiler COMPILER = build();

        private static CelCompiler build() {
            CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
                    .setOptions(OPTIONS)
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS);
            VARIABLES.forEach(builder::addVar);
            return builder.build();
        }
    }

    /** A checker environment of these variables and options, for many conditions. */
    static SharedChecker sharedChecker() {
        return new SharedChecker(OPTIONS, VARIABLES, SimpleType.BOOL, COMPILER.getTypeProvider());
    }

    /**
     * Compiles the conditions of one policy: they share one checker environment
     * ({@link SharedChecker}), conditions that differ only in their literals are parsed once
     * ({@link ParsedTemplates}) and type-checked once ({@link ConditionShapes}), and a condition
     * written by several rules is compiled once.
     * Not thread-safe: one per policy load.
     */
    static final class Batch {
        private final SharedChecker checker = sharedChecker();
        private final ConditionShapes shapes = new ConditionShapes();
        private final ParsedTemplates templates = new ParsedTemplates();
        private final Map<String, Compiled> compiled = new HashMap<>();

        Compiled compile(String expression) {
            return compiled.computeIfAbsent(expression, this::compileOnce);
        }

        private Compiled compileOnce(String expression) {
            try {
                CelValidationResult parsed = templates.parse(expression);
                if (parsed.hasError()) {
                    return failed(parsed);
                }
                CelAbstractSyntaxTree ast = parsed.getAst();
                String shape = ConditionShapes.shape(ast.getExpr());
                CelAbstractSyntaxTree checked = shapes.reuse(shape, ast);
                if (checked == null) {
                    checked = checker.check(ast);
                    if (checked == null) {
                        CelValidationResult result = COMPILER.check(ast);
                        if (result.hasError()) {
                            return failed(result);
                        }
                        checked = result.getAst();
                    }
                    shapes.remember(shape, ast, checked);
                }
                return new Compiled(RUNTIME.createProgram(checked), List.of(), ConditionCost.nesting(checked));
            } catch (Exception e) {
                return new Compiled(null, List.of(String.valueOf(e.getMessage())), List.of());
            }
        }

        static Compiled failed(CelValidationResult result) {
            return new Compiled(
                    null,
                    result.getErrors().stream()
                            .map(issue -> "CEL " + issue.getSourceLocation().getLine() + ":"
                                    + (issue.getSourceLocation().getColumn() + 1) + ": " + issue.getMessage())
                            .toList(),
                    List.of());
        }
    }

    /**
     * A condition compiled, or why it is not.
     *
     * @param nested the longest chain of comprehensions nested in one another's loops, outermost
     *     first, as {@code all (CEL 1:12)}, when it has two or more; else empty
     */
    record Compiled(Program program, List<String> errors, List<String> nested) {}
}
