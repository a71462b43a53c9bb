package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Conditions of one template parsed once give exactly the trees and sources CEL's parser gives. */
class ParsedTemplatesTest {

    /** Each with {@code %1$d} and {@code %2$d} where numbers of changing lengths go. */
    private static final List<String> TEMPLATES = List.of(
            "args.recipient.endsWith(\"@blocked-%1$d.example\") && size(args.subject) < %2$d",
            "args.x == 'a\"b%1$d' || args.y == \"c'd%2$d\"",
            "args.name == \"ünï😀%1$d\" && args.n > %2$d && args.m == \"é\"",
            "args.items.exists(i, i == \"x%1$d\") && args.items.all(j, j != %2$d)",
            "args.n > -%1$d && args.m < %2$d",
            "args.a == 'x%1$d' &&\n  args.b == %2$d\n  && ctx.tenant == \"t\"",
            "args.tenant in [\"a%1$d\", \"b\", \"c%2$d\"]",
            "{\"k%1$d\": %2$d}[\"k%1$d\"] == %2$d",
            "args.f > 1.5 && args.t == \"%1$d\" && args.u == 3u && args.h == 0x1F",
            "args.list[%1$d] == \"x\" && has(args.a) && args.a == \"%2$d\"",
            "args.list.map(v, v * %1$d).filter(w, w > %2$d).size() == 0",
            "args.n == %1$d // a comment with 'quotes'",
            "args.s == r\"raw%1$d\" && args.b == b\"%2$d\"",
            "args.s == \"\"\"triple%1$d\"\"\"",
            "args.s == \"esc\\n%1$d\"",
            "args.x == \"%1$d\" &&", // does not parse
            "ctx.actor == \"%1$d\" ? args.n < %2$d : args.n < 0 || args.n == 007");

    @Test
    void everyConditionOfEveryTemplateParsesAsTheParserParsesIt() {
        ParsedTemplates templates = new ParsedTemplates();
        int conditions = 0;
        for (int i = 0; i < 30; i++) {
            for (String template : TEMPLATES) {
                // lengths change from one condition to the next: 0, 37, 1369, ... and 1, 12, 123, ...
                String condition = String.format(Locale.ROOT, template, i * 37 * (i % 5 + 1), 1 + i * 11 * i);
                assertSameParse(condition, templates.parse(condition), Conditions.parse(condition));
                conditions++;
            }
        }
        assertTrue(
                templates.parserRuns() < conditions / 2,
                "most conditions of a template are made, not parsed: " + templates.parserRuns() + " of " + conditions);
    }

    /** Clauses random conditions are made of; {@code S} and {@code I} stand for a string and an int literal. */
    private static final List<String> CLAUSES = List.of(
            "args.a == S",
            "args.n < I",
            "args.s.startsWith(S)",
            "size(args.list) > I",
            "args.list.exists(x, x == S || x == I)",
            "[S, I, S][I % 3] != args.k",
            "{S: I}[S] == I",
            "args.m[S] == I + I * I",
            "!(args.b in [S, S])",
            "args.t.matches(S) ? I > args.u : args.v == S",
            "has(args.q) && args.q.size() >= I",
            "args.list.all(y, args.list.filter(z, z == S).size() < I)");

    /** What the strings are made of: a quote of the other kind, letters beyond ASCII and one beyond 16 bits among them. */
    private static final List<String> CHARS =
            List.of("a", "b", "X", "Z", "0", "9", " ", ".", "_", "-", "@", "/", "'", "é", "ü", "😀", "+", "*");

    @Test
    void randomConditionsOfRandomTemplatesParseAsTheParserParsesThem() {
        Random random = new Random(20261207);
        ParsedTemplates templates = new ParsedTemplates();
        List<String> shapes = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            StringBuilder shape = new StringBuilder();
            for (int c = 0, clauses = 1 + random.nextInt(4); c < clauses; c++) {
                shape.append(c == 0 ? "" : random.nextBoolean() ? " && " : "\n  || ")
                        .append(CLAUSES.get(random.nextInt(CLAUSES.size())));
            }
            shapes.add(shape.toString());
        }
        for (int i = 0; i < 400; i++) {
            String condition = fill(shapes.get(random.nextInt(shapes.size())), random);
            assertSameParse(condition, templates.parse(condition), Conditions.parse(condition));
        }
        assertTrue(templates.parserRuns() <= 2 * shapes.size(), "parsed: " + templates.parserRuns());
    }

    /** {@code shape} with each {@code S} and {@code I} replaced by a random literal of its kind. */
    private static String fill(String shape, Random random) {
        StringBuilder condition = new StringBuilder();
        for (int i = 0; i < shape.length(); i++) {
            char c = shape.charAt(i);
            boolean alone = (i == 0 || !Character.isLetterOrDigit(shape.charAt(i - 1)))
                    && (i + 1 == shape.length() || !Character.isLetterOrDigit(shape.charAt(i + 1)));
            if (c == 'S' && alone) {
                condition.append('"');
                for (int n = random.nextInt(12); n > 0; n--) {
                    condition.append(CHARS.get(random.nextInt(CHARS.size())));
                }
                condition.append('"');
            } else if (c == 'I' && alone) {
                condition.append(random.nextInt(9) + 1);
                for (int n = random.nextInt(17); n > 0; n--) {
                    condition.append(random.nextInt(10));
                }
            } else {
                condition.append(c);
            }
        }
        return condition.toString();
    }

    @Test
    void aTemplateIsParsedByTheParserTwiceThenNoMore() {
        ParsedTemplates templates = new ParsedTemplates();
        for (int i = 0; i < 100; i++) {
            templates.parse("args.recipient.endsWith(\"@blocked-" + i + ".example\") && size(args.subject) < " + i);
        }
        assertEquals(2, templates.parserRuns(), "the first condition and its variant");
    }

    @Test
    void aTemplateWhoseLiteralIsFoldedIntoASignIsAlwaysParsed() {
        ParsedTemplates templates = new ParsedTemplates();
        for (int i = 1; i < 10; i++) {
            String condition = "args.n > -" + i;
            assertSameParse(condition, templates.parse(condition), Conditions.parse(condition));
        }
        assertTrue(templates.parserRuns() >= 9, "refused, parsed every time: " + templates.parserRuns());
    }

    @Test
    void textsTheScannerCannotFollowHaveNoTemplate() {
        assertNull(ConditionLiterals.of("args.n == 1 // it's"));
        assertNull(ConditionLiterals.of("args.s == r\"a\""));
        assertNull(ConditionLiterals.of("args.s == \"a\\\"b\""));
        assertNull(ConditionLiterals.of("args.s == '''a'''"));
        assertNull(ConditionLiterals.of("args.`a-b` == 'x'"));
        assertNull(ConditionLiterals.of("args.s == \"open"));
        assertEquals(
                "args.s == \u0000S && args.n < \u0000I && args.f > 1.5 && args.h == 0x1F && args.o == 007",
                ConditionLiterals.of("args.s == 'x' && args.n < 12 && args.f > 1.5 && args.h == 0x1F && args.o == 007")
                        .template());
    }

    private static void assertSameParse(String condition, CelValidationResult made, CelValidationResult parsed) {
        assertEquals(parsed.hasError(), made.hasError(), condition);
        if (parsed.hasError()) {
            assertEquals(parsed.getErrorString(), made.getErrorString(), condition);
            return;
        }
        try {
            CelAbstractSyntaxTree expected = parsed.getAst();
            CelAbstractSyntaxTree actual = made.getAst();
            assertEquals(expected.getExpr(), actual.getExpr(), condition);
            assertEquals(expected.getSource(), actual.getSource(), condition);
        } catch (Exception e) {
            throw new AssertionError(condition, e);
        }
    }
}
