package dev.actiongate.demo;

import java.util.List;
import java.util.stream.Stream;

/**
 * One request of the demo: who acts in which context, the email they try to send, and what
 * {@code policy.yaml} should decide about it.
 *
 * @param actor            who sends: the support agent, or an AI agent
 * @param attempts         how often the request is made in a row; the table shows the last attempt
 * @param reason           the caller's reason, or {@code null} to leave it unset
 * @param expectedVerdicts the verdicts the policy may end this request with; more than one only
 *                         where a reviewer decides
 * @param expectedRule     a rule that must be among the matched ones
 */
record Scenario(
        int number,
        String request,
        String actor,
        int attempts,
        String tenant,
        String customerTenant,
        String reason,
        String environment,
        String to,
        DataClass dataClass,
        String body,
        List<String> expectedVerdicts,
        String expectedRule) {

    static final String ACTOR = "support-agent-7";
    static final String AI_AGENT = "ai-agent-3";
    static final String ON_BEHALF_OF = "user-42";
    /** The shipped policy's require_approval rule. */
    static final String APPROVAL_RULE = "sensitive-in-production";

    Scenario {
        expectedVerdicts = List.copyOf(expectedVerdicts);
    }

    /**
     * One request per rule of the shipped policy, and an AI agent that keeps retrying a blocked
     * destination until the policy's escalation turns its attempt into an incident.
     *
     * @param review who can decide the request the policy holds for approval
     */
    static List<Scenario> all(Review review) {
        return Stream.concat(everyday().stream(), risky(review).stream()).toList();
    }

    /** Rows 1 to 3: a routine email, and two the policy refuses on their context. */
    private static List<Scenario> everyday() {
        return List.of(
                new Scenario(
                        1,
                        "low-risk email",
                        ACTOR,
                        1,
                        "acme",
                        "acme",
                        "ticket 4711",
                        "staging",
                        "alice@customer.example",
                        DataClass.PUBLIC,
                        "Your replacement router ships today.",
                        List.of("allow"),
                        "support-may-email-customers"),
                new Scenario(
                        2,
                        "wrong tenant",
                        ACTOR,
                        1,
                        "acme",
                        "globex",
                        "ticket 4712",
                        "staging",
                        "bob@globex.example",
                        DataClass.PUBLIC,
                        "Your replacement router ships today.",
                        List.of("deny"),
                        "wrong-tenant"),
                new Scenario(
                        3,
                        "missing reason",
                        ACTOR,
                        1,
                        "acme",
                        "acme",
                        null,
                        "staging",
                        "carol@customer.example",
                        DataClass.INTERNAL,
                        "Here is the internal escalation summary.",
                        List.of("deny"),
                        "missing-reason"));
    }

    /** Rows 4 to 6: a blocked destination, a call held for approval, and retries that escalate. */
    private static List<Scenario> risky(Review review) {
        return List.of(
                new Scenario(
                        4,
                        "blocked destination",
                        ACTOR,
                        1,
                        "acme",
                        "acme",
                        "ticket 4714",
                        "staging",
                        "mallory@blocked.example",
                        DataClass.PUBLIC,
                        "Your replacement router ships today.",
                        List.of("deny"),
                        "blocked-destination"),
                new Scenario(
                        5,
                        "production + sensitive",
                        ACTOR,
                        1,
                        "acme",
                        "acme",
                        "ticket 4715",
                        "production",
                        "dave@customer.example",
                        DataClass.SENSITIVE,
                        "Your account recovery code is 839-201.",
                        review.verdicts(),
                        APPROVAL_RULE),
                new Scenario(
                        6,
                        "AI agent retries blocked x5",
                        AI_AGENT,
                        5,
                        "acme",
                        "acme",
                        "ticket 4716",
                        "staging",
                        "mallory@blocked.example",
                        DataClass.PUBLIC,
                        "Your replacement router ships today.",
                        List.of("escalate"),
                        "blocked-destination"));
    }

    /** Whether the policy holds this request until a reviewer decides. */
    boolean heldForApproval() {
        return APPROVAL_RULE.equals(expectedRule);
    }

    /** What the request should come to, for messages: {@code allow}, or {@code allow or approval_rejected}. */
    String expected() {
        return String.join(" or ", expectedVerdicts);
    }

    /**
     * A subject no other row or run uses, so that both the mailbox and the records file can be
     * searched for exactly this attempt.
     */
    String subject(String runId) {
        return "[" + runId + " #" + number + "] " + request;
    }
}
