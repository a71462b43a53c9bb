package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cel.common.CelAbstractSyntaxTree;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A condition that differs from one checked before only in its literals gets exactly what the
 * compiler gives it alone; one that differs in anything else is checked itself.
 */
class ConditionShapesTest {

    /** Pairs of the same shape: the second takes the first's check. */
    private static final List<List<String>> SAME_SHAPE = List.of(
            List.of("args.name == \"blocked-1\" && size(args) < 11", "args.name == \"x\" && size(args) < 999999"),
            List.of(
                    "args.amount > 1.5 || ctx.tenant in [\"a\", \"b\"]",
                    "args.amount > -2.0e10 || ctx.tenant in [\"\", \"z\"]"),
            List.of(
                    "args.items.exists(i, i == 'poison') && !has(args.skip)",
                    "args.items.exists(i, i == '') && !has(args.skip)"),
            List.of("{'a': 1, 'b': 2}[args.k] == 2", "{'z': -7, 'y': 0}[args.k] == 9223372036854775807"),
            List.of("args.n == 2u", "args.n == 18446744073709551615u"),
            List.of("timestamp(args.at) < timestamp('2020-01-01T00:00:00Z')", "timestamp(args.at) < timestamp('bad')"),
            List.of("args.data == b'\\x00' || args.flag == true", "args.data == b'abc' || args.flag == false"),
            List.of(
                    "args.x == null && method.name.startsWith('send_')",
                    "args.x == null && method.name.startsWith('')"));

    /** Pairs that differ in more than their literals' values: never taken from each other. */
    private static final List<List<String>> OTHER_SHAPE = List.of(
            List.of("args.x == 1", "args.x == '1'"),
            List.of("args.x == 1", "args.x == 1u"),
            List.of("args.x == 1", "args.y == 1"),
            List.of("args.x == 1", "ctx.x == 1"),
            List.of("args.x > 1", "args.x >= 1"),
            List.of("args.x == 1", "args.x == (1)  || false"),
            List.of("[1, 2].all(n, n > 0)", "[1, 2].all(m, m > 0)"));

    private static void remember(ConditionShapes shapes, String expression) throws Exception {
        CelAbstractSyntaxTree parsed = Conditions.parse(expression).getAst();
        shapes.remember(
                ConditionShapes.shape(parsed.getExpr()),
                parsed,
                Conditions.compileAlone(expression).getAst());
    }

    private static CelAbstractSyntaxTree reuse(ConditionShapes shapes, String expression) throws Exception {
        CelAbstractSyntaxTree parsed = Conditions.parse(expression).getAst();
        return shapes.reuse(ConditionShapes.shape(parsed.getExpr()), parsed);
    }

    @Test
    void aConditionOfAShapeCheckedBeforeGetsWhatTheCompilerGivesIt() throws Exception {
        for (List<String> pair : SAME_SHAPE) {
            ConditionShapes shapes = new ConditionShapes();
            remember(shapes, pair.get(0));
            CelAbstractSyntaxTree reused = reuse(shapes, pair.get(1));
            assertNotNull(reused, pair.toString());
            assertEquals(Conditions.compileAlone(pair.get(1)).getAst(), reused, pair.toString());
        }
    }

    @Test
    void aConditionOfAnotherShapeIsCheckedItself() throws Exception {
        for (List<String> pair : OTHER_SHAPE) {
            ConditionShapes shapes = new ConditionShapes();
            remember(shapes, pair.get(0));
            assertNull(reuse(shapes, pair.get(1)), pair.toString());
        }
    }

    @Test
    void aPolicyOfOneTemplateCompilesEachRuleAsTheCompilerWould() throws Exception {
        Conditions.Batch batch = new Conditions.Batch();
        for (int i = 0; i < 50; i++) {
            String expression = "args.name == \"blocked-" + i + "\" && size(args) < " + i;
            Conditions.Compiled compiled = batch.compile(expression);
            assertEquals(List.of(), compiled.errors(), expression);
            assertNotNull(compiled.program(), expression);
        }
        // A literal of another kind in the same place is a type error, found for that rule.
        Conditions.Compiled wrong = batch.compile("args.name == \"blocked\" && size(args) < \"ten\"");
        assertEquals(1, wrong.errors().size(), wrong.errors().toString());
        assertNull(wrong.program());
    }
}
