package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Optional;

/**
 * The standard output of a test application, as written by {@code dev.actiongate.it.apps.Probe}.
 *
 * @param lines every line printed
 * @param run   the run it came from, described in assertion messages
 */
public record AppOutput(List<String> lines, ForkedJvm.Run run) {

    static AppOutput parse(String stdout, ForkedJvm.Run run) {
        return new AppOutput(stdout.lines().toList(), run);
    }

    /** What each governed body that ran said, in order. */
    public List<String> bodies() {
        return withPrefix("BODY ");
    }

    public boolean bodyRan(String what) {
        return bodies().contains(what);
    }

    /** Whether the call {@code label} returned normally. */
    public boolean allowed(String label) {
        return lines.contains("ALLOWED " + label);
    }

    /** The denial the call {@code label} ended with; fails the test if it was not denied. */
    public Denial denied(String label) {
        return denial(label).orElseGet(() -> fail("call '" + label + "' was not denied\n" + run.describe()));
    }

    public Optional<Denial> denial(String label) {
        for (String line : lines) {
            if (line.startsWith("DENIED " + label + "\t")) {
                String[] parts = line.substring("DENIED ".length()).split("\t", -1);
                List<String> rules = parts[4].isEmpty() ? List.of() : List.of(parts[4].split(","));
                return Optional.of(new Denial(
                        parts[0], parts[1], parts[2], "null".equals(parts[3]) ? null : parts[3], rules, parts[5]));
            }
        }
        return Optional.empty();
    }

    /** Every call that was denied. */
    public List<String> deniedLabels() {
        return withPrefix("DENIED ").stream()
                .map(line -> line.substring(0, line.indexOf('\t')))
                .toList();
    }

    /** Fails the test unless no governed body ran and exactly the calls {@code labels} were denied, in order. */
    public void assertOnlyDenied(List<String> labels) {
        assertEquals(List.of(), bodies(), "no governed body may run\n" + run.describe());
        assertEquals(labels, deniedLabels(), "the calls denied\n" + run.describe());
    }

    /** Every call that threw something other than a denial: {@code label<TAB>class<TAB>message}. */
    public List<String> threw() {
        return withPrefix("THREW ");
    }

    /** A {@code FACT key=value} the application printed; fails the test if it did not. */
    public String fact(String key) {
        return withPrefix("FACT " + key + "=").stream()
                .findFirst()
                .orElseGet(() -> fail("the application printed no fact '" + key + "'\n" + run.describe()));
    }

    private List<String> withPrefix(String prefix) {
        return lines.stream()
                .filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length()))
                .toList();
    }

    /** An {@code ActionDeniedException} as the application caught it. */
    public record Denial(
            String label, String verdict, String action, String decisionId, List<String> matchedRules, String reason) {}
}
