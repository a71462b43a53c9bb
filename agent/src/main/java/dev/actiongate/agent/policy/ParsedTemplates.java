package dev.actiongate.agent.policy;

import com.google.common.collect.ImmutableList;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelSource;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableExpr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Conditions of one {@linkplain ConditionLiterals template} are parsed once. A policy of thousands
 * of rules is mostly written from a few templates, and CEL's parser, at about a hundred microseconds
 * a condition, was most of what loading such a policy cost. The parser's tree for a condition of a
 * template seen before is that template's tree with the literals' values in their nodes and the
 * positions after them moved by the difference in their lengths.
 *
 * <p>That a template's tree is made this way is proven per template before it is used, not
 * assumed: the second condition of a template is made both ways from a variant of the first
 * condition in which every literal has another value and length, and the template is used only if
 * both trees and both sources are equal; otherwise, and for a template whose literals the tree does
 * not hold one node each at their positions, every condition of it is parsed by the parser. A
 * condition is parsed at most twice over: the first of each template once, and one variant.
 *
 * <p>Not thread-safe: one per {@link Conditions.Batch}.
 */
final class ParsedTemplates {

    /** A template refused: its conditions are parsed by the parser. */
    private static final Template REFUSED = new Template(null, null, null, null);

    private final Map<String, Template> templates = new HashMap<>();

    /** How many conditions CEL's parser parsed, variants included. */
    private int parserRuns;

    /**
     * A template's first condition, parsed.
     *
     * @param parsed its tree; {@code null} for a template refused
     * @param ids the id of the node of each literal once proven (trees of this template are then
     *     made rather than parsed); {@code null} before
     */
    private record Template(String text, ConditionLiterals literals, CelAbstractSyntaxTree parsed, List<Long> ids) {

        boolean refused() {
            return parsed == null;
        }

        boolean proven() {
            return ids != null;
        }
    }

    /** {@code expression} parsed, as CEL's parser parses it. */
    CelValidationResult parse(String expression) {
        ConditionLiterals literals = ConditionLiterals.of(expression);
        if (literals == null || literals.literals().isEmpty()) {
            return parser(expression);
        }
        Template template = templates.get(literals.template());
        if (template == null) {
            CelValidationResult parsed = parser(expression);
            templates.put(literals.template(), first(expression, literals, parsed));
            return parsed;
        }
        if (!template.refused() && !template.proven()) {
            template = prove(template);
            templates.put(literals.template(), template);
        }
        if (template.refused()) {
            return parser(expression);
        }
        try {
            return new CelValidationResult(made(template, expression, literals), ImmutableList.of());
        } catch (RuntimeException e) {
            return parser(expression); // the parser's answer, whatever went wrong in making it
        }
    }

    /** How many conditions CEL's parser parsed so far: the ones no template was proven for, and the variants. */
    int parserRuns() {
        return parserRuns;
    }

    private CelValidationResult parser(String expression) {
        parserRuns++;
        return Conditions.parse(expression);
    }

    private static Template first(String expression, ConditionLiterals literals, CelValidationResult parsed) {
        if (parsed.hasError() || !parsed.getAllIssues().isEmpty()) {
            return REFUSED;
        }
        try {
            return new Template(expression, literals, parsed.getAst(), null);
        } catch (Exception e) {
            return REFUSED;
        }
    }

    /**
     * {@code template} proven, or {@link #REFUSED}: a variant of its first condition, each literal
     * given another value and length, made from the template's tree equals the variant parsed.
     */
    private Template prove(Template template) {
        try {
            List<Long> ids = literalNodes(template);
            if (ids == null) {
                return REFUSED;
            }
            List<CelConstant> others = new ArrayList<>();
            for (ConditionLiterals.Literal literal : template.literals().literals()) {
                CelConstant value = literal.value();
                if (value.getKind() == CelConstant.Kind.STRING_VALUE) {
                    others.add(CelConstant.ofValue(value.stringValue() + "~"));
                } else if (literal.length() < 18) {
                    others.add(CelConstant.ofValue(value.int64Value() * 10 + 7));
                } else {
                    return REFUSED;
                }
            }
            String variant = template.literals().respell(template.text(), others);
            ConditionLiterals variantLiterals = ConditionLiterals.of(variant);
            CelValidationResult parsed = parser(variant);
            if (variantLiterals == null
                    || !variantLiterals.template().equals(template.literals().template())
                    || parsed.hasError()
                    || !parsed.getAllIssues().isEmpty()) {
                return REFUSED;
            }
            Template proven = new Template(template.text(), template.literals(), template.parsed(), ids);
            CelAbstractSyntaxTree made = made(proven, variant, variantLiterals);
            CelAbstractSyntaxTree expected = parsed.getAst();
            boolean same = made.getExpr().equals(expected.getExpr())
                    && made.getSource().equals(expected.getSource());
            return same ? proven : REFUSED;
        } catch (Exception | LinkageError e) {
            return REFUSED;
        }
    }

    /**
     * The id of the one constant node at each literal's position holding its value, or {@code
     * null} when a literal has none or several, or a node is positioned inside a literal.
     */
    private static List<Long> literalNodes(Template template) {
        CelSource source = template.parsed().getSource();
        Map<Long, CelConstant> constants = new HashMap<>();
        constants(template.parsed().getExpr(), constants);
        source.getMacroCalls().values().forEach(call -> constants(call, constants));
        List<ConditionLiterals.Literal> literals = template.literals().literals();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < literals.size(); i++) {
            ConditionLiterals.Literal literal = literals.get(i);
            long found = -1;
            for (Map.Entry<Long, Integer> position : source.getPositionsMap().entrySet()) {
                int at = position.getValue();
                if (at > literal.offset() && at < literal.offset() + literal.length()) {
                    return null;
                }
                if (at == literal.offset() && constants.containsKey(position.getKey())) {
                    if (found >= 0 || !literal.value().equals(constants.get(position.getKey()))) {
                        return null;
                    }
                    found = position.getKey();
                }
            }
            if (found < 0) {
                return null;
            }
            ids.add(found);
        }
        return List.copyOf(ids);
    }

    private static void constants(CelExpr expr, Map<Long, CelConstant> into) {
        CelNavigableExpr.fromExpr(expr)
                .allNodes()
                .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.CONSTANT)
                .forEach(node -> into.put(node.id(), node.expr().constant()));
    }

    /** The tree of {@code expression}, of {@code template}'s proven template, with its {@code literals}. */
    private static CelAbstractSyntaxTree made(Template template, String expression, ConditionLiterals literals) {
        List<ConditionLiterals.Literal> was = template.literals().literals();
        List<ConditionLiterals.Literal> now = literals.literals();
        Map<Long, CelConstant> values = new HashMap<>();
        for (int i = 0; i < now.size(); i++) {
            values.put(template.ids().get(i), now.get(i).value());
        }
        CelSource old = template.parsed().getSource();
        CelSource.Builder source = CelSource.newBuilder(expression).setDescription(old.getDescription());
        old.getPositionsMap().forEach((id, at) -> {
            int moved = at;
            for (int i = 0; i < was.size() && was.get(i).offset() < at; i++) {
                moved += now.get(i).length() - was.get(i).length();
            }
            source.addPositions(id, moved);
        });
        old.getMacroCalls().forEach((id, call) -> source.addMacroCalls(id, ReplacedConstants.in(call, values)));
        source.addAllExtensions(old.getExtensions());
        return CelAbstractSyntaxTree.newParsedAst(
                ReplacedConstants.in(template.parsed().getExpr(), values), source.build());
    }
}
