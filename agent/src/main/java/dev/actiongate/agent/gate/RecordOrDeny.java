package dev.actiongate.agent.gate;

import dev.actiongate.agent.policy.Decision;
import dev.actiongate.agent.policy.Verdict;
import dev.actiongate.agent.records.RecordSink;
import java.util.Map;

/**
 * Writes the records a call waits for (its decision, how its approval hold ended) before the
 * call goes on. No record, no action: a record that cannot be written denies the call.
 */
final class RecordOrDeny implements ApprovalHold.ResolutionSink {

    private final FaultLog faults;

    RecordOrDeny(FaultLog faults) {
        this.faults = faults;
    }

    /**
     * @param decision what the record says was decided; its matched rules go into the denial
     * @throws dev.actiongate.ActionDeniedException when the record could not be written
     */
    @Override
    public void write(
            GateState state, GovernedMethod method, Map<String, Object> record, String decisionId, Decision decision) {
        RecordSink sink = state.sink();
        String problem;
        if (sink == null) {
            problem = state.recordsProblem();
        } else {
            try {
                sink.append(record, method.slf4j().orNull());
                return;
            } catch (Exception e) {
                problem = "cannot append to " + sink.describe() + ": " + e;
            }
        }
        faults.report("decision record " + decisionId, new IllegalStateException(problem));
        // No decision id: the exception must not point ops at a record that does not exist.
        throw Denial.of(
                null,
                method.action(),
                Verdict.DENY.wireName(),
                "the decision record could not be written (" + problem + ")",
                decision.matchedRules());
    }
}
