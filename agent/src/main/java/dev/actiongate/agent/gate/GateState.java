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
 * @param policy          the compiled policy, or {@code null}
 * @param policyProblem   why there is no policy, or {@code null}
 * @param sink            where records go (the records file by default), or {@code null}
 * @param recordsProblem  why there is nowhere to put records, or {@code null}
 * @param host            this machine's name, written into every record
 * @param approvals       the approval desk, or {@code null}
 * @param approvalsProblem why there is no approval desk, or {@code null}
 * @param denials         where denials are counted for escalation when a store shared by the
 *                        fleet does it, or {@code null} for the gate's own in-memory count
 * @param quotas          where the policy's limits are counted when a store shared by the fleet
 *                        does it, or {@code null} for the gate's own in-memory budgets
 * @param decisions       the fleet's decisions for the admin API's decisions view, or
 *                        {@code null} without a fleet store
 */
public record GateState(
        Policy policy,
        String policyProblem,
        RecordSink sink,
        String recordsProblem,
        String host,
        Approvals approvals,
        String approvalsProblem,
        EventCounter denials,
        QuotaCounter quotas,
        DecisionHistory decisions) {

    /** A state whose denials the gate counts itself. */
    public GateState(
            Policy policy,
            String policyProblem,
            RecordSink sink,
            String recordsProblem,
            String host,
            Approvals approvals,
            String approvalsProblem) {
        this(policy, policyProblem, sink, recordsProblem, host, approvals, approvalsProblem, null, null, null);
    }

    /** A start-up that failed: every governed call is denied with {@code problem}. */
    public static GateState failed(String problem, String host) {
        return new GateState(null, problem, null, problem, host, null, problem);
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
        return new GateState(
                newPolicy, null, sink, recordsProblem, host, approvals, approvalsProblem, denials, quotas, decisions);
    }
}
