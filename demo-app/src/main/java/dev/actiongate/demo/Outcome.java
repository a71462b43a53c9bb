package dev.actiongate.demo;

import java.util.List;
import java.util.Optional;

/**
 * What happened to one {@link Scenario}.
 *
 * @param verdict  the final verdict, lower case as the agent writes it
 * @param rules    the rules that matched, or {@code null} when unknown: an allowed call throws
 *                 nothing that names them, and without {@code --records} there is no record to
 *                 read them from
 * @param reason   the policy's reason, or what went wrong; {@code "-"} when unknown
 * @param delivery whether the email reached the SMTP server
 */
record Outcome(Scenario scenario, String verdict, List<String> rules, String reason, Delivery delivery) {

    static final String ALLOW = "allow";

    /** How this outcome differs from what the policy should have decided; empty when it does not. */
    Optional<String> divergence() {
        if (!scenario.expectedVerdicts().contains(verdict)) {
            return Optional.of("expected " + scenario.expected() + ", got " + verdict + because());
        }
        if (rules != null && !rules.contains(scenario.expectedRule())) {
            return Optional.of("expected rule " + scenario.expectedRule() + " to match, matched " + rules);
        }
        boolean allowed = ALLOW.equals(verdict);
        if (allowed && !delivery.reachedServer()) {
            return Optional.of("allowed but not delivered" + because());
        }
        if (!allowed && delivery.reachedServer()) {
            return Optional.of("delivered although the verdict is " + verdict);
        }
        return Optional.empty();
    }

    private String because() {
        return "-".equals(reason) ? "" : " (" + reason + ")";
    }
}
