package dev.actiongate.agent.policy;

import dev.cel.common.ast.CelConstant;
import java.util.ArrayList;
import java.util.List;

/**
 * A condition's text split into its template and its simple literals: {@code
 * args.tenant == "t1" && args.cents < 500} is the template {@code args.tenant == ␀S && args.cents
 * < ␀I} with the literals {@code "t1"} and {@code 500}. Conditions of one template parse to the same
 * tree but for those literals' values and the positions after them, which {@link ParsedTemplates}
 * uses to parse each template once.
 *
 * <p>Only literals whose value is plain to read are taken out: a string in single or double quotes
 * with no backslash, line break or prefix ({@code r}, {@code b}), and a decimal integer of at most
 * 18 digits without a leading zero, sign, suffix or fraction. Every other literal stays in the
 * template as written, so conditions that differ in it have different templates. A text this scanner
 * cannot follow as CEL's lexer does (a comment, a backtick, a triple quote, a prefixed or escaped
 * string, a NUL) has no template at all and is always parsed by the parser.
 *
 * @param template the text with each literal replaced by NUL and its kind ({@code S}, {@code I})
 * @param literals the literals, in the order they appear
 */
record ConditionLiterals(String template, List<Literal> literals) {

    private static final char MARK = '\u0000';

    /**
     * One literal taken out of the text.
     *
     * @param offset where it starts (its quote, or its first digit), in code points as CEL counts positions
     * @param length how many code points it spans, quotes included
     * @param start the index of its first char in the text
     * @param end the index just past its last char in the text
     * @param value its value, a string or an int
     */
    record Literal(int offset, int length, int start, int end, CelConstant value) {}

    /** The template and literals of {@code text}, or {@code null} when it has no template. */
    static ConditionLiterals of(String text) {
        StringBuilder template = new StringBuilder(text.length());
        List<Literal> literals = new ArrayList<>();
        int points = 0; // code points before index i
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == MARK
                    || c == '`'
                    || c == '\\'
                    || (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/')) {
                return null;
            }
            int end;
            if (c == '"' || c == '\'') {
                end = string(text, i);
                if (end < 0) {
                    return null;
                }
                String value = text.substring(i + 1, end - 1);
                int length = value.codePointCount(0, value.length()) + 2;
                literals.add(new Literal(points, length, i, end, CelConstant.ofValue(value)));
                template.append(MARK).append('S');
                points += length;
            } else if (isDigit(c) && (i == 0 || !continuesNumber(text.charAt(i - 1)))) {
                end = digits(text, i);
                if (plainInteger(text, i, end)) {
                    long value = Long.parseLong(text.substring(i, end));
                    literals.add(new Literal(points, end - i, i, end, CelConstant.ofValue(value)));
                    template.append(MARK).append('I');
                } else {
                    template.append(text, i, end);
                }
                points += end - i;
            } else {
                end = i + Character.charCount(text.codePointAt(i));
                template.append(text, i, end);
                points++;
            }
            i = end;
        }
        return new ConditionLiterals(template.toString(), List.copyOf(literals));
    }

    /**
     * The index just past the plain string that starts with the quote at {@code start}, or -1 when
     * it is not plain: prefixed, triple-quoted, unterminated, or holding a backslash or line break.
     */
    private static int string(String text, int start) {
        if (start > 0 && continuesNumber(text.charAt(start - 1))) {
            return -1; // r"...", b'...', or something no plain literal is
        }
        char quote = text.charAt(start);
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == quote) {
                boolean triple = i == start + 1 && i + 1 < text.length() && text.charAt(i + 1) == quote;
                return triple ? -1 : i + 1;
            }
            if (c == '\\' || c == '\n' || c == '\r') {
                return -1;
            }
        }
        return -1;
    }

    private static int digits(String text, int start) {
        int end = start;
        while (end < text.length() && isDigit(text.charAt(end))) {
            end++;
        }
        return end;
    }

    /** Whether the digits from {@code start} to {@code end} are an int literal of their own, plain to read. */
    private static boolean plainInteger(String text, int start, int end) {
        if (end - start > 18 || (text.charAt(start) == '0' && end - start > 1)) {
            return false;
        }
        if (end < text.length()) {
            char next = text.charAt(end);
            // 1.5, 1e3, 1u, 0x1F and 1abc are other literals or no literal
            if (continuesNumber(next) || next == '.') {
                return false;
            }
        }
        return start == 0 || text.charAt(start - 1) != '.';
    }

    /** Whether {@code c} can be part of an identifier or a number's text. */
    private static boolean continuesNumber(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * {@code text}, which these literals were taken from, with {@code values} in their places:
     * each string in the quotes it had there.
     */
    String respell(String text, List<CelConstant> values) {
        StringBuilder spelled = new StringBuilder(text.length() + 16 * values.size());
        int from = 0;
        for (int i = 0; i < literals.size(); i++) {
            Literal literal = literals.get(i);
            spelled.append(text, from, literal.start());
            CelConstant value = values.get(i);
            if (value.getKind() == CelConstant.Kind.STRING_VALUE) {
                char quote = text.charAt(literal.start());
                spelled.append(quote).append(value.stringValue()).append(quote);
            } else {
                spelled.append(value.int64Value());
            }
            from = literal.end();
        }
        return spelled.append(text, from, text.length()).toString();
    }
}
