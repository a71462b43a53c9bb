package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One checker environment for many conditions gives what the compiler gives each alone: the same
 * checked tree when it checks a condition, and nothing (the compiler then decides, with its own
 * messages) for a condition that does not check or that reaches for a type.
 */
class SharedCheckerTest {

    /** Each checks, in the shared environment as in the compiler. */
    private static final List<String> CHECKED = List.of(
            "args.amount > 5 && ctx.tenant == \"t\"",
            "size(args) > 1.5",
            "args.items.all(a, args.items.all(b, a != b))",
            "type(args.x) == int",
            "[1, 2].exists_one(x, x > 1)",
            "args.m.map(x, x + 1).filter(y, y > 2).size() > 0",
            "'a' in ['a'] && !(args.b == dyn(1))",
            "timestamp('2020-01-01T00:00:00Z') < timestamp(ctx.t)",
            "duration('1s') < duration(args.d) ? true : args.flag == true",
            "string(1) == 'x' || args.a.matches('x') || has(args.a.b)",
            "method.name == 'x' && action.startsWith('send_')",
            "args.order.tags.exists(t, t == 'vip') && ctx.attributes.channel == 'chat'",
            "{'a': 1}.a == 1 && int == type(1) && args.x == null",
            "args.items.all(google, google.protobuf.Int64Value == 1)",
            "args.a.b.c.d == 1u || args.n * 2 - 1 > 3 % 2 || -args.k < 0");

    /** Each is an error in the compiler. */
    private static final List<String> REJECTED = List.of(
            "foo(1)",
            "size(1, 2)",
            "args.x.startsWith(1)",
            "1 + 2",
            "x.y == 1",
            "google.protobuf.Timestamp{seconds: 1} == args.t",
            "type(1) == google.protobuf.Int64Value",
            "action == 1",
            "method.name > 1");

    @Test
    void checksAsTheCompilerDoesAndLeavesItTheErrors() throws Exception {
        SharedChecker checker = Conditions.sharedChecker();
        // Interleaved, so that a condition checked after an error is checked afresh.
        for (int i = 0; i < Math.max(CHECKED.size(), REJECTED.size()); i++) {
            if (i < CHECKED.size()) {
                String expression = CHECKED.get(i);
                CelValidationResult alone = Conditions.compileAlone(expression);
                assertTrue(!alone.hasError(), expression + ": " + alone.getErrorString());
                CelAbstractSyntaxTree shared =
                        checker.check(Conditions.parse(expression).getAst());
                assertNotNull(shared, expression + " was left to the compiler");
                assertEquals(alone.getAst(), shared, expression);
            }
            if (i < REJECTED.size()) {
                String expression = REJECTED.get(i);
                assertTrue(Conditions.compileAlone(expression).hasError(), expression);
                assertNull(checker.check(Conditions.parse(expression).getAst()), expression);
            }
        }
    }

    @Test
    void aPolicyReportsTheCompilersOwnErrorsForEachBrokenCondition() throws Exception {
        for (String expression : REJECTED) {
            Conditions.Compiled compiled = new Conditions.Batch().compile(expression);
            assertNull(compiled.program(), expression);
            String issue =
                    Conditions.compileAlone(expression).getErrors().get(0).getMessage();
            assertTrue(compiled.errors().get(0).endsWith(": " + issue), compiled.errors() + " vs " + issue);
        }
    }
}
