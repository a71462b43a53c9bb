package dev.actiongate.agent.gate;

import dev.actiongate.agent.escalation.DenialCounter;
import dev.actiongate.agent.escalation.EventCounter;
import dev.actiongate.agent.escalation.IncidentWebhook;
import dev.actiongate.agent.policy.Decision;
import dev.actiongate.agent.policy.Escalation;
import dev.actiongate.agent.policy.Verdict;
import dev.actiongate.agent.records.Timestamps;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Escalation of repeated denials, as the policy's {@code escalation:} asks: counts the denied
 * attempts of an actor, action and tenant, turns the next attempt past the limit into an
 * escalated decision, and records the incident that raises (posting it to the webhook, and
 * recording a webhook that could not be reached).
 */
final class DenialEscalation {

    private final EventCounter denials;
    private final IncidentWebhook webhook;
    private final String service;
    private final long pid;

    /** @param webhook where incidents are posted, or {@code null} */
    DenialEscalation(EventCounter denials, IncidentWebhook webhook, String service, long pid) {
        this.denials = denials;
        this.webhook = webhook;
        this.service = service;
        this.pid = pid;
    }

    /** Releases the webhook's thread; called when the agent detaches. */
    void close() {
        if (webhook != null) {
            webhook.close();
        }
    }

    /** The key the denials of this call's actor, action and tenant are counted under. */
    static String key(GovernedMethod method, CallContext context) {
        return DenialCounter.key(context.actor(), method.action(), context.tenant());
    }

    /**
     * How many denied attempts {@code key} had within the escalation's window, counted where
     * {@code state} says (the fleet's store) or here.
     *
     * @throws java.io.UncheckedIOException when a shared count cannot be read
     */
    int priorDenials(GateState state, String key, Escalation escalation) {
        return counter(state).count(key, escalation.within());
    }

    private EventCounter counter(GateState state) {
        return state.denials() == null ? denials : state.denials();
    }

    /** A decision after escalation had its say, and the denials it counted before this call. */
    record Checked(Decision decision, int priorDenials) {}

    /**
     * {@code decision}, escalated when the denials counted for {@code key} reached the limit;
     * denied when they cannot be counted, since whether this call is past the limit is unknown.
     */
    Checked check(GateState state, String key, Escalation escalation, Decision decision) {
        try {
            int prior = priorDenials(state, key, escalation);
            return new Checked(escalated(decision, prior, escalation), prior);
        } catch (java.io.UncheckedIOException e) {
            return new Checked(
                    decision.withVerdict(
                            Verdict.DENY,
                            "the policy escalates repeated denials, but the denials cannot be counted: "
                                    + e.getCause().getMessage()),
                    0);
        }
    }

    /** {@code decision}, escalated when {@code priorDenials} reached the escalation's limit. */
    static Decision escalated(Decision decision, int priorDenials, Escalation escalation) {
        if (priorDenials < escalation.afterDenials()) {
            return decision;
        }
        return decision.withVerdict(
                Verdict.ESCALATE,
                "escalated for incident review: " + priorDenials
                        + " denied attempts of this action by this actor within " + escalation.withinText()
                        + " (" + decision.reason() + ")");
    }

    /** Counts the final decision of a call when it refused the call. */
    void counted(GateState state, String key, Escalation escalation, Decision decision) {
        if (decision.verdict() == Verdict.DENY || decision.verdict() == Verdict.ESCALATE) {
            try {
                counter(state).add(key, escalation.within());
            } catch (java.io.UncheckedIOException e) {
                // The call is refused whatever happens; what is lost is one count toward escalation.
                log().error(
                                "a denial could not be counted toward escalation: {}",
                                e.getCause().getMessage());
            }
        }
    }

    /**
     * Records the incident an escalation raises, says so at ERROR, and posts it to the webhook.
     * The call is denied whatever happens here: the decision record already says so.
     */
    void incident(
            GateState state,
            GovernedMethod method,
            Map<String, Object> decisionRecord,
            int priorDenials,
            Escalation escalation) {
        Map<String, Object> incident = new LinkedHashMap<>(24);
        incident.put("action", decisionRecord.get("action"));
        incident.put("actor", decisionRecord.get("actor"));
        incident.put("decision_id", decisionRecord.get("decision_id"));
        incident.put("denials", priorDenials);
        incident.put("environment", decisionRecord.get("environment"));
        incident.put("host", decisionRecord.get("host"));
        if (state.origin().instance() != null) {
            incident.put("instance", state.origin().instance());
        }
        incident.put("kind", "incident");
        incident.put("method", decisionRecord.get("method"));
        incident.put("on_behalf_of", decisionRecord.get("on_behalf_of"));
        incident.put("pid", pid);
        incident.put("policy_version", decisionRecord.get("policy_version"));
        incident.put("reason", decisionRecord.get("reason"));
        incident.put("service", service);
        incident.put("tenant", decisionRecord.get("tenant"));
        incident.put("timestamp", Timestamps.now());
        incident.put("within", escalation.withinText());
        log().error(
                        "ActionGate incident: actor '{}' (tenant '{}') was denied '{}' {} times within {}; decision {} escalated",
                        incident.get("actor"),
                        incident.get("tenant"),
                        incident.get("action"),
                        priorDenials,
                        escalation.withinText(),
                        incident.get("decision_id"));
        try {
            state.sink().append(incident, line -> {
                method.slf4j().accept(line);
                if (webhook != null) {
                    // Failures are recorded by the callback; the call never waits for delivery.
                    var unused = webhook.post(
                            line, (attempts, problem) -> webhookFailed(state, incident, attempts, problem));
                }
            });
        } catch (Exception e) {
            log().error(
                            "incident record of decision {} could not be written ({}): {}",
                            incident.get("decision_id"),
                            e,
                            incident);
        }
    }

    private void webhookFailed(GateState state, Map<String, Object> incident, int attempts, String problem) {
        Map<String, Object> failure = new LinkedHashMap<>(8);
        failure.put("attempts", attempts);
        failure.put("decision_id", incident.get("decision_id"));
        failure.put("kind", "incident_webhook_failed");
        failure.put("problem", problem);
        failure.put("timestamp", Timestamps.now());
        failure.put("url", webhook.uri().toString());
        log().error(
                        "incident of decision {} could not be posted to {} after {} attempts: {}",
                        incident.get("decision_id"),
                        webhook.uri(),
                        attempts,
                        problem);
        try {
            state.sink().appendSoon(failure, null);
        } catch (Exception e) {
            log().error("webhook failure record could not be written ({}): {}", e, failure);
        }
    }

    private static Logger log() {
        return LoggerFactory.getLogger("actiongate");
    }
}
