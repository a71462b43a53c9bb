package dev.actiongate.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders outcomes as a plain-text table. Cells may span lines: matched rules go one per line
 * and reasons are wrapped, so the table stays narrow enough for a terminal.
 */
final class ResultTable {

    private static final List<String> HEADERS = List.of("#", "request", "verdict", "rule(s)", "reason", "delivered");
    private static final int REASON_WIDTH = 46;
    private static final String GAP = "  ";

    private ResultTable() {}

    static String render(List<Outcome> outcomes) {
        List<List<List<String>>> rows = new ArrayList<>();
        rows.add(HEADERS.stream().map(List::of).toList());
        outcomes.forEach(outcome -> rows.add(cells(outcome)));

        int[] widths = new int[HEADERS.size()];
        for (List<List<String>> row : rows) {
            for (int column = 0; column < widths.length; column++) {
                for (String line : row.get(column)) {
                    widths[column] = Math.max(widths[column], line.length());
                }
            }
        }

        String rule = "-".repeat(sumOf(widths) + GAP.length() * (widths.length - 1)) + "\n";
        StringBuilder out = new StringBuilder(rule);
        appendRow(out, rows.get(0), widths);
        out.append(rule);
        for (int i = 1; i < rows.size(); i++) {
            // A blank line between rows tells where one multi-line row ends.
            out.append(i > 1 ? "\n" : "");
            appendRow(out, rows.get(i), widths);
        }
        out.append(rule);
        return out.toString();
    }

    private static List<List<String>> cells(Outcome outcome) {
        List<String> rules = outcome.rules() == null
                ? List.of("-")
                : outcome.rules().isEmpty() ? List.of("(none)") : outcome.rules();
        return List.of(
                List.of(Integer.toString(outcome.scenario().number())),
                List.of(outcome.scenario().request()),
                List.of(outcome.verdict()),
                rules,
                wrap(outcome.reason(), REASON_WIDTH),
                List.of(outcome.delivery().label()));
    }

    private static void appendRow(StringBuilder out, List<List<String>> cells, int[] widths) {
        int height = cells.stream().mapToInt(List::size).max().orElse(1);
        for (int line = 0; line < height; line++) {
            StringBuilder text = new StringBuilder();
            for (int column = 0; column < cells.size(); column++) {
                List<String> cell = cells.get(column);
                String value = line < cell.size() ? cell.get(line) : "";
                text.append(column == 0 ? "" : GAP).append(value).append(" ".repeat(widths[column] - value.length()));
            }
            out.append(text.toString().stripTrailing()).append('\n');
        }
    }

    /** Word-wraps {@code text}; a word longer than {@code width} gets a line of its own. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private static int sumOf(int[] values) {
        int sum = 0;
        for (int value : values) {
            sum += value;
        }
        return sum;
    }
}
