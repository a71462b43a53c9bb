package dev.actiongate.agent.policy;

import com.google.common.collect.ImmutableSet;
import dev.cel.checker.CelIdentDecl;
import dev.cel.checker.Env;
import dev.cel.checker.ExprChecker;
import dev.cel.checker.TypeProvider;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelContainer;
import dev.cel.common.CelOptions;
import dev.cel.common.internal.Errors;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.expr.Type;
import java.util.Map;
import java.util.Optional;

/**
 * Type-checks the conditions of one policy in one checker environment. cel-java's compiler
 * builds its environment (every standard function with every overload) again for each expression
 * it checks, about 0.6 ms per condition once the JVM is warm and most of the time of loading
 * 10,000 rules;
 * here it is built once per policy and each condition only pays for its own check.
 *
 * <p>The result is the compiler's own: the same {@code Env.standard} with the same options and
 * variables, checked by the same {@link ExprChecker} with the same expected type. The one part
 * that differs is the type provider, which answers "no such type" as the compiler's provider does
 * when it knows no types (a policy declares none). Whenever that provider would know a name it is
 * asked about, or the check reports an error, or fails, {@link #check} returns {@code null} and
 * the caller asks the compiler itself: errors keep the compiler's exact messages and places.
 *
 * <p>{@code Env}, {@code ExprChecker} and {@code TypeProvider} are deprecated in cel-java 0.14:
 * they are the legacy checker's own parts, which its {@code CelCompiler} runs in this version.
 * A test compiles a set of conditions both ways and requires the same checked result.
 *
 * <p>Not thread-safe: one per policy load.
 */
@SuppressWarnings("deprecation")
final class SharedChecker {

    private final CelOptions options;
    private final Map<String, CelType> variables;
    private final CelType resultType;
    private final NoTypes types;
    private Env env;
    private Errors errors;

    /**
     * @param compilerTypes the compiler's type provider; with any type in it, nothing is checked
     *     here (the caller's compiler checks everything)
     */
    SharedChecker(
            CelOptions options, Map<String, CelType> variables, CelType resultType, CelTypeProvider compilerTypes) {
        this.options = options;
        this.variables = variables;
        this.resultType = resultType;
        this.types = new NoTypes(compilerTypes);
    }

    /** {@code parsed} checked, or {@code null} when the compiler must check it. */
    CelAbstractSyntaxTree check(CelAbstractSyntaxTree parsed) {
        if (!types.knowsNone) {
            return null;
        }
        try {
            if (env == null) {
                errors = new Errors("<input>", "");
                env = Env.standard(errors, types, options);
                variables.forEach((name, type) -> env.add(CelIdentDecl.newIdentDeclaration(name, type)));
            }
            int errorsBefore = errors.getErrorCount();
            int depthBefore = env.scopeDepth();
            types.unsure = false;
            CelAbstractSyntaxTree checked = ExprChecker.typecheck(
                    env, CelContainer.ofName(""), parsed, com.google.common.base.Optional.of(resultType));
            if (env.scopeDepth() != depthBefore || errors.getErrorCount() != errorsBefore) {
                env = null; // start afresh: the errors list only grows, and a scope may be left open
                return null;
            }
            return types.unsure ? null : checked;
        } catch (RuntimeException | LinkageError e) {
            env = null;
            return null;
        }
    }

    /**
     * A type provider that knows no type, and notes when the compiler's provider would have
     * answered otherwise. Its lookups follow the compiler's adapter of a {@link CelTypeProvider}:
     * every one goes through {@link CelTypeProvider#findType} or {@link CelTypeProvider#types}.
     */
    private static final class NoTypes implements TypeProvider {
        private final CelTypeProvider compiler;
        private final boolean knowsNone;
        private boolean unsure;

        NoTypes(CelTypeProvider compiler) {
            this.compiler = compiler;
            this.knowsNone = compiler.types().isEmpty();
        }

        private void ask(String name) {
            if (name != null && compiler.findType(name).isPresent()) {
                unsure = true;
            }
        }

        // The checker asks only lookupCelType, lookupEnumValue, lookupFieldType(CelType, ...) and
        // lookupExtensionType; anything else is a path not known here, left to the compiler.

        @Override
        public Type lookupType(String typeName) {
            unsure = true;
            return null;
        }

        @Override
        public FieldType lookupFieldType(Type type, String fieldName) {
            unsure = true;
            return null;
        }

        @Override
        public ImmutableSet<String> lookupFieldNames(Type type) {
            unsure = true;
            return ImmutableSet.of();
        }

        @Override
        public Optional<CelType> lookupCelType(String typeName) {
            ask(typeName);
            return Optional.empty();
        }

        @Override
        public Integer lookupEnumValue(String enumName) {
            ask(enumName);
            int dot = enumName == null ? -1 : enumName.lastIndexOf('.');
            if (dot > 0) {
                ask(enumName.substring(0, dot));
            }
            return null;
        }

        @Override
        public FieldType lookupFieldType(CelType type, String fieldName) {
            ask(type.name());
            return null;
        }

        @Override
        public ExtensionFieldType lookupExtensionType(String extensionName) {
            ask(extensionName);
            unsure |= !knowsNone;
            return null;
        }
    }
}
