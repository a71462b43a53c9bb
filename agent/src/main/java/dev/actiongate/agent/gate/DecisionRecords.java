package dev.actiongate.agent.gate;

import dev.actiongate.agent.policy.Decision;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.policy.PolicyValues;
import dev.actiongate.agent.policy.Verdict;
import dev.actiongate.agent.records.ArgumentSummary;
import dev.actiongate.agent.records.CanonicalJson;
import dev.actiongate.agent.records.SortedRecord;
import dev.actiongate.agent.records.Timestamps;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Builds the decision record of a call and the outcome record of its body. Fields are added in
 * sorted order, as the canonical form has them, each name from its encoded form; values every
 * record repeats (service, host, instance, policy, thread name) are encoded once, not per call.
 */
final class DecisionRecords {

    private static final SortedRecord.Field ACTION = SortedRecord.Field.named("action");
    private static final SortedRecord.Field ACTION_DIGEST = SortedRecord.Field.named("action_digest");
    private static final SortedRecord.Field ACTOR = SortedRecord.Field.named("actor");
    private static final SortedRecord.Field APPROVAL_CONSUMED = SortedRecord.Field.named("approval_consumed");
    private static final SortedRecord.Field APPROVAL_ID = SortedRecord.Field.named("approval_id");
    private static final SortedRecord.Field APPROVAL_MODE = SortedRecord.Field.named("approval_mode");
    private static final SortedRecord.Field APPROVERS = SortedRecord.Field.named("approvers");
    private static final SortedRecord.Field ARGUMENTS = SortedRecord.Field.named("arguments");
    private static final SortedRecord.Field ATTRIBUTES = SortedRecord.Field.named("attributes");
    private static final SortedRecord.Field CALLER_ENVIRONMENT = SortedRecord.Field.named("caller_environment");
    private static final SortedRecord.Field CALLER_REASON = SortedRecord.Field.named("caller_reason");
    private static final SortedRecord.Field CONTEXT_SOURCES = SortedRecord.Field.named("context_sources");
    private static final SortedRecord.Field DECISION_ID = SortedRecord.Field.named("decision_id");
    private static final SortedRecord.Field DURATION_NS = SortedRecord.Field.named("duration_ns");
    private static final SortedRecord.Field ENFORCED = SortedRecord.Field.named("enforced");
    private static final SortedRecord.Field ENVIRONMENT = SortedRecord.Field.named("environment");
    private static final SortedRecord.Field EVAL_NS = SortedRecord.Field.named("eval_ns");
    private static final SortedRecord.Field EXCEPTION = SortedRecord.Field.named("exception");
    private static final SortedRecord.Field HOST = SortedRecord.Field.named("host");
    private static final SortedRecord.Field INSTANCE = SortedRecord.Field.named("instance");
    private static final SortedRecord.Field KIND = SortedRecord.Field.named("kind");
    private static final SortedRecord.Field LIMIT = SortedRecord.Field.named("limit");
    private static final SortedRecord.Field MATCHED_RULES = SortedRecord.Field.named("matched_rules");
    private static final SortedRecord.Field METHOD = SortedRecord.Field.named("method");
    private static final SortedRecord.Field ON_BEHALF_OF = SortedRecord.Field.named("on_behalf_of");
    private static final SortedRecord.Field OUTCOME = SortedRecord.Field.named("outcome");
    private static final SortedRecord.Field PID = SortedRecord.Field.named("pid");
    private static final SortedRecord.Field POLICY_SHA256 = SortedRecord.Field.named("policy_sha256");
    private static final SortedRecord.Field POLICY_VERSION = SortedRecord.Field.named("policy_version");
    private static final SortedRecord.Field REASON = SortedRecord.Field.named("reason");
    private static final SortedRecord.Field REVIEWED_AT = SortedRecord.Field.named("reviewed_at");
    private static final SortedRecord.Field REVIEWER = SortedRecord.Field.named("reviewer");
    private static final SortedRecord.Field SERVICE = SortedRecord.Field.named("service");
    private static final SortedRecord.Field TENANT = SortedRecord.Field.named("tenant");
    private static final SortedRecord.Field THREAD = SortedRecord.Field.named("thread");
    private static final SortedRecord.Field TIMESTAMP = SortedRecord.Field.named("timestamp");
    private static final SortedRecord.Field VERDICT = SortedRecord.Field.named("verdict");

    private static final Object DECISION = CanonicalJson.constant("decision");
    private static final Object OUTCOME_KIND = CanonicalJson.constant("outcome");
    private static final Object RETURNED = CanonicalJson.constant("returned");
    private static final Object THREW = CanonicalJson.constant("threw");
    private static final Map<Verdict, Object> VERDICTS = new EnumMap<>(Verdict.class);

    static {
        for (Verdict verdict : Verdict.values()) {
            VERDICTS.put(verdict, CanonicalJson.constant(verdict.wireName()));
        }
    }

    /** The calling thread's name, encoded once per thread (and again only if the thread is renamed). */
    private static final ThreadLocal<Object[]> THREAD_NAME = new ThreadLocal<>();

    private final Object serviceValue;
    private final long pid;
    private volatile RepeatedValues repeatedValues;

    /**
     * Values every decision record repeats until the policy changes, encoded for JSON once
     * instead of per call.
     */
    private record RepeatedValues(
            GateState state, Object host, Object instance, Object policySha256, Object policyVersion) {}

    DecisionRecords(String service, long pid) {
        this.serviceValue = CanonicalJson.constant(service);
        this.pid = pid;
    }

    /** This process's id, as decision records carry it. */
    long pid() {
        return pid;
    }

    /**
     * The decision record of a call.
     *
     * @param held      how an approval hold changed the decision, or {@code null} when there was none
     * @param timestamp when the decision started
     * @param evalNanos how long building the input and evaluating the policy took
     */
    SortedRecord decision(
            GateState state,
            GovernedMethod method,
            CallContext context,
            Map<String, Object> args,
            Decision decision,
            ApprovalRequests.Held held,
            String decisionId,
            String timestamp,
            long evalNanos) {
        RepeatedValues repeated = repeatedValues(state);
        Policy policy = state.policy();
        SortedRecord record = new SortedRecord(40);
        record.add(ACTION, method.actionValue());
        if (held != null && held.digest() != null) {
            record.add(ACTION_DIGEST, held.digest());
        }
        record.add(ACTOR, context.actor());
        if (held != null && held.consumed() != null) {
            record.add(APPROVAL_CONSUMED, held.consumed().id());
        }
        addRequest(record, held);
        record.add(ARGUMENTS, summary(args, policy));
        record.add(ATTRIBUTES, context.attributes());
        if (context.callerEnvironment() != null) {
            record.add(CALLER_ENVIRONMENT, context.callerEnvironment());
        }
        record.add(CALLER_REASON, context.reason());
        if (!context.sources().isEmpty()) {
            record.add(CONTEXT_SOURCES, context.sources());
        }
        record.add(DECISION_ID, decisionId);
        record.add(ENFORCED, decision.enforced());
        record.add(ENVIRONMENT, context.environment());
        record.add(EVAL_NS, evalNanos);
        addOrigin(record, repeated);
        record.add(KIND, DECISION);
        if (decision.limit() != null) {
            record.add(LIMIT, decision.limit().fields());
        }
        record.add(MATCHED_RULES, decision.matchedRules());
        record.add(METHOD, method.signatureValue());
        record.add(ON_BEHALF_OF, context.onBehalfOf());
        record.add(PID, pid);
        record.add(POLICY_SHA256, repeated.policySha256());
        record.add(POLICY_VERSION, repeated.policyVersion());
        record.add(REASON, decision.reason());
        if (held != null && held.consumed() != null) {
            record.add(REVIEWED_AT, Timestamps.of(held.consumed().reviewedAt()));
            record.add(REVIEWER, held.consumed().reviewer());
        }
        record.add(SERVICE, serviceValue);
        record.add(TENANT, context.tenant());
        record.add(THREAD, threadName());
        record.add(TIMESTAMP, timestamp);
        record.add(VERDICT, VERDICTS.get(decision.verdict()));
        return record;
    }

    /** The machine and, when it has a name, the instance that decided. */
    private static void addOrigin(SortedRecord record, RepeatedValues repeated) {
        record.add(HOST, repeated.host());
        if (repeated.instance() != null) {
            record.add(INSTANCE, repeated.instance());
        }
    }

    /** The approval request a held call filed or joined, when there is one. */
    private static void addRequest(SortedRecord record, ApprovalRequests.Held held) {
        if (held != null && held.request() != null) {
            record.add(APPROVAL_ID, held.request().id());
            record.add(APPROVAL_MODE, held.failFast() ? "fail_fast" : "wait");
            record.add(APPROVERS, held.request().approvers());
        }
    }

    /**
     * The outcome record of a body that ran. Where and what ran is in the decision record this one
     * links to; an outcome says only how it ended.
     *
     * @param thrown what the body threw, or {@code null} when it returned
     */
    SortedRecord outcome(Invocation invocation, Throwable thrown) {
        SortedRecord record = new SortedRecord(8);
        record.add(ACTION, invocation.method().actionValue());
        record.add(DECISION_ID, invocation.decisionId());
        record.add(DURATION_NS, System.nanoTime() - invocation.startNanos());
        record.add(EXCEPTION, thrown == null ? null : thrown.getClass().getName());
        record.add(KIND, OUTCOME_KIND);
        record.add(OUTCOME, thrown == null ? RETURNED : THREW);
        record.add(THREAD, threadName());
        record.add(TIMESTAMP, Timestamps.now());
        return record;
    }

    @SuppressWarnings("ReferenceEquality") // the state in force is replaced whole: identity says it changed
    private RepeatedValues repeatedValues(GateState state) {
        RepeatedValues cached = repeatedValues;
        if (cached == null || cached.state() != state) {
            Policy policy = state.policy();
            cached = new RepeatedValues(
                    state,
                    CanonicalJson.constant(state.host()),
                    state.origin().instance() == null
                            ? null
                            : CanonicalJson.constant(state.origin().instance()),
                    policy == null ? null : CanonicalJson.constant(policy.sha256()),
                    policy == null ? null : CanonicalJson.constant(policy.version()));
            repeatedValues = cached;
        }
        return cached;
    }

    private static Object threadName() {
        String name = Thread.currentThread().getName();
        Object[] cached = THREAD_NAME.get();
        if (cached == null || cached[0] != name) {
            cached = new Object[] {name, CanonicalJson.constant(name)};
            THREAD_NAME.set(cached);
        }
        return cached[1];
    }

    /** The record's argument summary, saying so when the conversion was cut short by its budget. */
    private static Map<String, Object> summary(Map<String, Object> args, Policy policy) {
        return ArgumentSummary.of(args, policy == null ? Set.of() : policy.redactedKeys(), PolicyValues.cutShort(args));
    }
}
