package dev.actiongate.agent.policy;

import java.util.List;

/**
 * What compiling the conditions a policy left for after its load found, in file order.
 *
 * @param problems each as {@code file:line:column: rule 'id': ...}; empty when every condition compiled
 * @param warnings as {@link Policy#warnings()} gives those found at load
 */
public record CompileReport(List<String> problems, List<String> warnings) {
    public CompileReport {
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }
}
