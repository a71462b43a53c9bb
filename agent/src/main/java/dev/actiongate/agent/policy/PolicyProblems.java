package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.JsonLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every problem found in one policy file, each as {@code file:line:column: rule 'id': message},
 * in the order found, so that one {@link PolicyException} can list them all; and the warnings,
 * {@code file:line:column: rule 'id': warning: message}, which do not stop the policy loading.
 */
final class PolicyProblems {

    /** How a limit's label starts, so that its problems say "limit 'id'", not "rule". */
    static final String LIMIT = "limit '";

    private final Path file;
    private final List<String> messages = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    PolicyProblems(Path file) {
        this.file = file;
    }

    /** A problem at {@code at} (file only when unknown), about {@code rule} when not {@code null}. */
    void add(JsonLocation at, String rule, String message) {
        add(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), rule, message);
    }

    /** A problem at {@code line} and {@code column}; a line below 1 names the file alone. */
    void add(int line, int column, String rule, String message) {
        messages.add(line(line, column, rule, message));
    }

    /** Something that does not stop the policy, but that {@code check} and the log point out. */
    void warn(JsonLocation at, String rule, String message) {
        warnings.add(
                line(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), rule, "warning: " + message));
    }

    /** The problems so far, in the order found. */
    List<String> messages() {
        return List.copyOf(messages);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    private String line(int line, int column, String rule, String message) {
        String where = line > 0 ? file + ":" + line + ":" + column : file.toString();
        return where + ": " + (rule == null ? "" : (rule.startsWith(LIMIT) ? rule : "rule '" + rule + "'") + ": ")
                + message;
    }

    /** How many so far: a reader compares counts to know whether its part added any. */
    int size() {
        return messages.size();
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    PolicyException exception() {
        return new PolicyException(file, messages);
    }
}
