package dev.actiongate.agent.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelSource;
import dev.cel.common.ast.CelExpr;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds what makes a condition's cost grow faster than its input: a comprehension ({@code all},
 * {@code exists}, {@code exists_one}, {@code map}, {@code filter}) that runs once per iteration
 * of another. Three nested {@code all} over a list of 2,000 arguments are 8 billion iterations.
 * A comprehension in another's list, or in what it returns, runs once and does not multiply, so
 * it is not nested in this sense ({@code args.a.map(x, x).all(y, y != "")} is two passes).
 */
final class ConditionCost {

    private ConditionCost() {}

    /** The longest chain of such nested comprehensions, outermost first; empty below two. */
    static List<String> nesting(CelAbstractSyntaxTree ast) {
        List<String> longest = chain(ast, ast.getExpr());
        return longest.size() >= 2 ? longest : List.of();
    }

    /** The longest chain at or below {@code expr}. */
    private static List<String> chain(CelAbstractSyntaxTree ast, CelExpr expr) {
        boolean loop = expr.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION;
        List<String> longest = List.of();
        List<String> longestInLoop = List.of();
        for (CelExpr child : children(expr)) {
            List<String> below = chain(ast, child);
            if (below.size() > longest.size()) {
                longest = below;
            }
            // Only what runs on every iteration multiplies: the loop's condition and step.
            if (loop && inLoop(expr.comprehension(), child) && below.size() > longestInLoop.size()) {
                longestInLoop = below;
            }
        }
        if (!loop || longestInLoop.size() + 1 <= longest.size()) {
            return longest;
        }
        List<String> withThis = new ArrayList<>(longestInLoop.size() + 1);
        withThis.add(describe(ast, expr));
        withThis.addAll(longestInLoop);
        return withThis;
    }

    private static boolean inLoop(CelExpr.CelComprehension loop, CelExpr child) {
        return child == loop.loopCondition() || child == loop.loopStep();
    }

    private static List<CelExpr> children(CelExpr expr) {
        List<CelExpr> children = new ArrayList<>();
        switch (expr.getKind()) {
            case CALL -> {
                expr.call().target().ifPresent(children::add);
                children.addAll(expr.call().args());
            }
            case SELECT -> children.add(expr.select().operand());
            case LIST -> children.addAll(expr.list().elements());
            case MAP ->
                expr.map().entries().forEach(entry -> {
                    children.add(entry.key());
                    children.add(entry.value());
                });
            case STRUCT -> expr.struct().entries().forEach(entry -> children.add(entry.value()));
            case COMPREHENSION -> {
                CelExpr.CelComprehension loop = expr.comprehension();
                children.addAll(List.of(
                        loop.iterRange(), loop.accuInit(), loop.loopCondition(), loop.loopStep(), loop.result()));
            }
            default -> {
                // constants and identifiers have no children
            }
        }
        return children;
    }

    /**
     * {@code all (CEL 1:12)}: the macro's name and where it is. The parser places a comprehension
     * at the parenthesis that follows the macro's name.
     */
    private static String describe(CelAbstractSyntaxTree ast, CelExpr comprehension) {
        CelSource source = ast.getSource();
        Integer offset = source.getPositionsMap().get(comprehension.id());
        String text = source.getContent().toString();
        if (offset == null || offset < 0 || offset > text.codePointCount(0, text.length())) {
            return "a comprehension";
        }
        int nameEnd = text.offsetByCodePoints(0, offset);
        while (nameEnd > 0 && Character.isWhitespace(text.charAt(nameEnd - 1))) {
            nameEnd--;
        }
        int nameStart = nameEnd;
        while (nameStart > 0 && Character.isJavaIdentifierPart(text.charAt(nameStart - 1))) {
            nameStart--;
        }
        if (nameStart == nameEnd) {
            return "a comprehension";
        }
        String name = text.substring(nameStart, nameEnd);
        return source.getOffsetLocation(text.codePointCount(0, nameStart))
                .map(at -> name + " (CEL " + at.getLine() + ":" + (at.getColumn() + 1) + ")")
                .orElse(name);
    }
}
