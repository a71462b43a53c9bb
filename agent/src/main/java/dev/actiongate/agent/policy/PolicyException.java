package dev.actiongate.agent.policy;

import java.nio.file.Path;
import java.util.List;

/**
 * A policy file that cannot be used. The message names the file and, for each problem, the line,
 * column and rule id where known, so that an operator can fix it without guessing.
 */
public final class PolicyException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public PolicyException(Path file, List<String> problems) {
        super("policy " + file + " is invalid: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, already prefixed with {@code file:line:column} where known. */
    public List<String> problems() {
        return problems;
    }
}
