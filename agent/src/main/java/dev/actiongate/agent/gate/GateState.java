package dev.actiongate.agent.gate;

import dev.actiongate.agent.approvals.Approvals;
import dev.actiongate.agent.escalation.EventCounter;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.quota.QuotaCounter;
import dev.actiongate.agent.records.DecisionHistory;
import dev.actiongate.agent.records.RecordLog;
import dev.actiongate.agent.records.RecordSink;

/**
 * What the gate decides with, prepared off the application's main thread at start-up. A part
 * that could not be prepared is {@code null} and its problem says why; every governed call is
 * then denied with that problem.
 *
 * @param policy           the compiled policy, or {@code null}
 * @param policyProblem    why there is no policy, or {@code null}
 * @param sink             where records go (the records file by default), or {@code null}
 * @param recordsProblem   why there is nowhere to put records, or {@code null}
 * @param origin           the JVM that decides, as every record names it
 * @param approvals        the approval desk, or {@code null}
 * @param approvalsProblem why there is no approval desk, or {@code null}
 * @param shared           the stores a fleet shares, or {@code null} for the gate's own in-memory
 *                         counts and budgets and no decisions view
 */
public record GateState(
        Policy policy,
        String policyProblem,
        RecordSink sink,
        String recordsProblem,
        Origin origin,
        Approvals approvals,
        String approvalsProblem,
        SharedStores shared) {

    /**
     * The JVM that decides.
     *
     * @param host     this machine's name
     * @param instance this JVM's name within its service, or {@code null} when none was configured
     *                 and no fleet needs one
     */
    public record Origin(String host, String instance) {}

    /**
     * What the instances of a fleet share, through its database.
     *
     * @param denials   where denials are counted for escalation
     * @param quotas    where the policy's limits are counted
     * @param decisions the fleet's decisions, for the admin API's decisions view
     */
    public record SharedStores(EventCounter denials, QuotaCounter quotas, DecisionHistory decisions) {}

    /** A state of one JVM, whose denials and budgets the gate counts itself. */
    public GateState(
            Policy policy,
            String policyProblem,
            RecordSink sink,
            String recordsProblem,
            Origin origin,
            Approvals approvals,
            String approvalsProblem) {
        this(policy, policyProblem, sink, recordsProblem, origin, approvals, approvalsProblem, null);
    }

    /** A start-up that failed: every governed call is denied with {@code problem}. */
    public static GateState failed(String problem, Origin origin) {
        return new GateState(null, problem, null, problem, origin, null, problem);
    }

    /** This machine's name, written into every record. */
    public String host() {
        return origin.host();
    }

    /** Where denials are counted when the fleet shares them, or {@code null} for the gate's own count. */
    public EventCounter denials() {
        return shared == null ? null : shared.denials();
    }

    /** Where limits are counted when the fleet shares them, or {@code null} for the gate's own budgets. */
    public QuotaCounter quotas() {
        return shared == null ? null : shared.quotas();
    }

    /** The fleet's decisions for the admin API's decisions view, or {@code null} without a fleet store. */
    public DecisionHistory decisions() {
        return shared == null ? null : shared.decisions();
    }

    /**
     * The records file, for what only a file has (its path and size for status, closing it on
     * detach); {@code null} when records go elsewhere or nowhere.
     */
    public RecordLog records() {
        return sink instanceof RecordLog file ? file : null;
    }

    /** The same state with another policy in force. */
    public GateState withPolicy(Policy newPolicy) {
        return new GateState(newPolicy, null, sink, recordsProblem, origin, approvals, approvalsProblem, shared);
    }
}
