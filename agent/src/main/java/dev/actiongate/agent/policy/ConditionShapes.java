package dev.actiongate.agent.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Conditions that differ only in their literals are type-checked once. A policy of thousands of
 * rules is mostly written from a few templates ({@code args.tenant == "t1"}, {@code "t2"}, ...),
 * and the type checker's result depends on a literal's kind, never on its value: the types of
 * every expression and the overload each call resolves to are the same for {@code "t1"} and
 * {@code "t2"}. So a condition whose parsed tree has the shape of one checked before (the same
 * nodes with the same ids, names, functions and fields, and literals of the same kinds) takes
 * that one's types and overloads, with its own tree and source.
 *
 * <p>Only shapes the checker left as parsed are reused (it rewrote neither the tree nor the
 * source, as it does for qualified names), so the reused result is exactly the checker's. The
 * one checker path that reads a literal's value, the optional field selection {@code _?._}, is
 * never reused. A test compares reused results with the compiler's own.
 *
 * <p>Not thread-safe: one per {@link Conditions.Batch}.
 */
final class ConditionShapes {

    private final Map<String, CelAbstractSyntaxTree> checked = new HashMap<>();

    /**
     * {@code parsed}, whose shape is {@code shape}, checked as the condition of that shape was;
     * {@code null} when none was.
     */
    CelAbstractSyntaxTree reuse(String shape, CelAbstractSyntaxTree parsed) {
        CelAbstractSyntaxTree template = shape == null ? null : checked.get(shape);
        if (template == null) {
            return null;
        }
        return CelAbstractSyntaxTree.newCheckedAst(
                parsed.getExpr(), parsed.getSource(), template.getReferenceMap(), template.getTypeMap());
    }

    /** Notes that {@code parsed}, whose shape is {@code shape}, checked as {@code result}. */
    void remember(String shape, CelAbstractSyntaxTree parsed, CelAbstractSyntaxTree result) {
        if (shape != null
                && result.getExpr().equals(parsed.getExpr())
                && result.getSource().equals(parsed.getSource())) {
            checked.putIfAbsent(shape, result);
        }
    }

    /** The shape of {@code expr} as text, or {@code null} when conditions of its shape are not reused. */
    static String shape(CelExpr expr) {
        StringBuilder text = new StringBuilder(128);
        return append(expr, text) ? text.toString() : null;
    }

    private static boolean append(CelExpr expr, StringBuilder text) {
        text.append(expr.getKind().name()).append('#').append(expr.id());
        return switch (expr.getKind()) {
            case CONSTANT -> {
                text.append(':').append(expr.constant().getKind());
                yield true;
            }
            case IDENT -> {
                name(expr.ident().name(), text);
                yield true;
            }
            case SELECT -> {
                name(expr.select().field(), text.append(expr.select().testOnly() ? '?' : '.'));
                yield child(expr.select().operand(), text);
            }
            case CALL -> call(expr.call(), text);
            case LIST ->
                children(expr.list().elements(), text.append(expr.list().optionalIndices()));
            case MAP -> map(expr.map(), text);
            case STRUCT -> struct(expr.struct(), text);
            case COMPREHENSION -> comprehension(expr.comprehension(), text);
            default -> true; // NOT_SET: the kind and id say it all
        };
    }

    private static boolean call(CelExpr.CelCall call, StringBuilder text) {
        if (call.function().equals("_?._")) {
            return false; // the checker reads the field name from the literal
        }
        name(call.function(), text);
        if (call.target().isPresent() && !child(call.target().get(), text.append('@'))) {
            return false;
        }
        return children(call.args(), text);
    }

    private static boolean map(CelExpr.CelMap map, StringBuilder text) {
        for (CelExpr.CelMap.Entry entry : map.entries()) {
            text.append('e').append(entry.id()).append(entry.optionalEntry() ? '?' : ':');
            if (!child(entry.key(), text) || !child(entry.value(), text)) {
                return false;
            }
        }
        return true;
    }

    private static boolean struct(CelExpr.CelStruct struct, StringBuilder text) {
        name(struct.messageName(), text);
        for (CelExpr.CelStruct.Entry entry : struct.entries()) {
            name(entry.fieldKey(), text.append('f').append(entry.id()).append(entry.optionalEntry() ? '?' : ':'));
            if (!child(entry.value(), text)) {
                return false;
            }
        }
        return true;
    }

    private static boolean comprehension(CelExpr.CelComprehension loop, StringBuilder text) {
        name(loop.iterVar(), text);
        name(loop.iterVar2(), text);
        name(loop.accuVar(), text);
        return children(
                List.of(loop.iterRange(), loop.accuInit(), loop.loopCondition(), loop.loopStep(), loop.result()), text);
    }

    private static boolean children(List<CelExpr> exprs, StringBuilder text) {
        for (CelExpr expr : exprs) {
            if (!child(expr, text)) {
                return false;
            }
        }
        return true;
    }

    private static boolean child(CelExpr expr, StringBuilder text) {
        text.append('(');
        boolean reusable = append(expr, text);
        text.append(')');
        return reusable;
    }

    /** Length first, so that no name can run into what follows it. */
    private static void name(String name, StringBuilder text) {
        text.append(name.length()).append(':').append(name);
    }
}
