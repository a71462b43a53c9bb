package dev.actiongate.agent.gate;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.agent.escalation.DenialCounter;
import dev.actiongate.agent.escalation.IncidentWebhook;
import dev.actiongate.agent.policy.Decision;
import dev.actiongate.agent.policy.Escalation;
import dev.actiongate.agent.policy.GovernEntry;
import dev.actiongate.agent.policy.Mode;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.policy.PolicyException;
import dev.actiongate.agent.policy.PolicyLoader;
import dev.actiongate.agent.policy.Verdict;
import dev.actiongate.agent.records.ArgumentSummary;
import dev.actiongate.agent.records.CanonicalJson;
import dev.actiongate.agent.records.DecisionIds;
import dev.actiongate.agent.records.RecordLog;
import dev.actiongate.agent.records.SortedRecord;
import dev.actiongate.agent.records.Timestamps;
import dev.actiongate.bootstrap.GateBridge;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision path of every governed call: build the policy input, evaluate, write the
 * decision record, enforce. Nothing here lets a call through without a record: a missing
 * policy, an unwritable records file or a fault of the agent itself denies the call.
 */
public final class Gate implements GateBridge.Dispatcher {

    private final MethodRegistry methods;
    private final CompletableFuture<GateState> startup;
    /** What decisions use once start-up is done; replaced whole when a new policy is loaded. */
    private volatile GateState current;
    private volatile Switches switches = Switches.NONE;
    private final String service;
    private final Object serviceValue;
    private final long pid = ProcessHandle.current().pid();
    private final Set<String> reportedFaults = ConcurrentHashMap.newKeySet();
    private final DenialCounter denials = new DenialCounter();
    private final IncidentWebhook webhook;
    private final Map<String, String> contextMdc;
    private final Map<Verdict, LongAdder> decided = new EnumMap<>(Verdict.class);
    private final ApprovalHold holds;
    private final DeploymentEnvironment deployment;
    private final InstrumentationFailures instrumentationFailures;
    private final CallNesting nesting = new CallNesting();
    /** The text of each govern: entry the instrumentation was installed with. */
    private volatile Set<String> instrumentedGovern = Set.of();
    /** When a governed call stops waiting for start-up and is denied instead; see {@link #startupDeadline}. */
    private volatile long startupDeadlineNanos = Long.MAX_VALUE;
    private volatile Supplier<String> startupStep = () -> "starting";

    /**
     * @param webhook    where incidents are posted, or {@code null}
     * @param contextMdc context field to the application's MDC key read when no scope sets it
     * @param approvalTimeout how long a held call waits unless its rule says otherwise
     */
    public Gate(MethodRegistry methods, CompletableFuture<GateState> startup, String service, IncidentWebhook webhook,
                Map<String, String> contextMdc, Duration approvalTimeout) {
        this(methods, startup, service, webhook, contextMdc, approvalTimeout, null);
    }

    /**
     * @param pinnedEnvironment the environment the operator set explicitly, which no caller's scope
     *                          can override; {@code null} when only the built-in default applies
     */
    public Gate(MethodRegistry methods, CompletableFuture<GateState> startup, String service, IncidentWebhook webhook,
                Map<String, String> contextMdc, Duration approvalTimeout, String pinnedEnvironment) {
        this.deployment = pinnedEnvironment == null ? DeploymentEnvironment.UNPINNED
                : new DeploymentEnvironment(pinnedEnvironment, warning -> log().warn(warning));
        this.holds = new ApprovalHold(approvalTimeout, Map.copyOf(contextMdc), this);
        this.methods = methods;
        this.startup = startup;
        this.service = service;
        this.serviceValue = CanonicalJson.constant(service);
        this.webhook = webhook;
        this.contextMdc = Map.copyOf(contextMdc);
        this.instrumentationFailures = new InstrumentationFailures(service);
        startup.thenAccept(state -> instrumentationFailures.recordInto(state.records()));
        startup.thenAccept(state -> {
            synchronized (this) {
                if (current == null) {
                    current = state;
                }
            }
        });
        for (Verdict verdict : Verdict.values()) {
            decided.put(verdict, new LongAdder());
        }
    }

    /**
     * Bounds how long governed calls wait for start-up: past {@code timeout} from now, a call that
     * finds start-up unfinished is denied naming what start-up is doing ({@code step}), instead
     * of hanging with it on a path that never answers.
     */
    public void startupDeadline(Duration timeout, Supplier<String> step) {
        this.startupStep = step;
        long now = System.nanoTime();
        long nanos = timeout.toNanos();
        // Saturates: a sum that wrapped would put the deadline in the past and deny at once.
        this.startupDeadlineNanos = nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }

    /** The govern: entries the instrumentation was installed with, to tell a reload what it cannot add. */
    public void instrumentedGovern(List<GovernEntry> entries) {
        this.instrumentedGovern = entries.stream().map(GovernEntry::text).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Recorded decisions so far, by verdict (lower case), every verdict present. */
    public Map<String, Long> decisionCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        decided.forEach((verdict, count) -> counts.put(verdict.wireName(), count.sum()));
        return counts;
    }

    /** Classes that could not be instrumented, so far. */
    public InstrumentationFailures instrumentationFailures() {
        return instrumentationFailures;
    }

    /** The governed methods found so far. */
    public List<GovernedMethod> governedMethods() {
        return methods.all();
    }

    /** What the gate decides with, or {@code null} while start-up is still running. */
    public GateState state() {
        GateState state = current;
        return state != null ? state : startup.getNow(null);
    }

    /**
     * Loads the policy file again and, when it compiles, puts it in force for every decision that
     * starts from now on; a decision already running finishes with the policy it started with.
     * A broken policy is rejected and the one in force stays. Either way a record says what
     * happened.
     *
     * @param trigger who asked: {@code file-change}, {@code admin-api}, ...
     * @return whether the file was rejected, and a one-line description of the outcome, also logged
     */
    public synchronized Reload reload(Path file, String trigger) {
        GateState before = startup.join();
        if (current != null) {
            before = current;
        }
        Policy old = before.policy();
        Map<String, Object> record = new LinkedHashMap<>();
        String outcome;
        boolean rejected = false;
        try {
            Policy loaded = new PolicyLoader().load(file);
            if (old != null && loaded.sha256().equals(old.sha256())) {
                return new Reload(false, "policy " + file + " is unchanged (" + old.version() + ")");
            }
            current = before.withPolicy(loaded);
            // Compared with what was instrumented, not with the policy before: a start that failed
            // instrumented no govern: entry at all, whatever the fixed file now names.
            List<String> notInstrumented = loaded.govern().stream().map(GovernEntry::text)
                    .filter(text -> !instrumentedGovern.contains(text)).toList();
            if (!notInstrumented.isEmpty()) {
                log().error("govern: entries of {} were not instrumented when the service started, so the methods"
                        + " only they name run UNDECIDED until the service restarts: {}", file, notInstrumented);
                record.put("govern_not_instrumented", notInstrumented);
            } else if (old != null && !old.govern().equals(loaded.govern())) {
                log().warn("the govern: entries of {} changed; methods are instrumented at class loading, so the"
                        + " change takes effect when the service restarts", file);
            }
            record.put("file", file.toString());
            record.put("enabled", loaded.enabled());
            record.put("kind", "policy_loaded");
            record.put("new_sha256", loaded.sha256());
            record.put("new_version", loaded.version());
            record.put("old_sha256", old == null ? null : old.sha256());
            record.put("old_version", old == null ? null : old.version());
            outcome = "policy " + loaded.version() + " (" + loaded.rules().size() + " rules) from " + file
                    + " is in force, replacing " + (old == null ? "no usable policy" : old.version());
            log().info("{} ({})", outcome, trigger);
            if (!loaded.enabled()) {
                log().warn("policy {} says enabled: false: governed methods run unrecorded until a policy enables them",
                        loaded.version());
            }
        } catch (PolicyException e) {
            record.put("file", file.toString());
            record.put("in_force_version", old == null ? null : old.version());
            rejected = true;
            record.put("kind", "policy_rejected");
            record.put("problems", e.problems());
            outcome = "policy " + file + " rejected, " + (old == null ? "no usable policy" : old.version())
                    + " stays in force: " + String.join("; ", e.problems());
            log().error("{} ({})", outcome, trigger);
        }
        record.put("service", service);
        record.put("timestamp", Timestamps.now());
        record.put("trigger", trigger);
        RecordLog records = before.records();
        if (records != null) {
            try {
                records.append(record, null);
            } catch (Exception e) {
                log().error("{} record could not be written ({}): {}", record.get("kind"), e, record);
            }
        }
        return new Reload(rejected, outcome);
    }

    /**
     * What a reload came to.
     *
     * @param rejected {@code true} when the file did not compile and the policy in force stays
     * @param outcome  one line saying what is in force now
     */
    public record Reload(boolean rejected, String outcome) {
    }

    /** The environment decisions are made in, as the operator pinned it (or did not). */
    DeploymentEnvironment deployment() {
        return deployment;
    }

    /** What ops switched at run time; {@link Switches#NONE} unless someone did. */
    public Switches switches() {
        return switches;
    }

    /**
     * Switches governing on or off, or forces the mode, for every call from now on, and records
     * who did it. A {@code null} argument leaves that switch as it is; {@code mode} may be
     * {@code "policy"} to go back to the policy's mode.
     *
     * @return a one-line description of what is in force now
     * @throws IllegalArgumentException on an unknown mode or a missing name
     */
    public synchronized String switchGoverning(Boolean enabled, String mode, String by, String reason, String trigger) {
        if (by == null || by.isBlank()) {
            throw new IllegalArgumentException("say who switches ('by'): the record keeps it");
        }
        if (enabled == null && mode == null) {
            throw new IllegalArgumentException("nothing to switch: give 'enabled' (true or false), 'mode' (monitor,"
                    + " enforce or policy) or both");
        }
        Switches before = switches;
        Mode forced = before.mode();
        if (mode != null) {
            forced = switch (mode) {
                case "monitor" -> Mode.MONITOR;
                case "enforce" -> Mode.ENFORCE;
                case "policy" -> null;
                default -> throw new IllegalArgumentException("unknown mode '" + mode + "' (expected monitor, enforce or policy)");
            };
        }
        Switches after = new Switches(enabled == null ? before.enabled() : enabled, forced, by.trim(), Timestamps.now());
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("by", after.by());
        record.put("enabled", after.enabled());
        record.put("kind", "governance_switched");
        record.put("mode", after.mode() == null ? "policy" : after.mode().wireName());
        record.put("previous_enabled", before.enabled());
        record.put("previous_mode", before.mode() == null ? "policy" : before.mode().wireName());
        record.put("reason", reason);
        record.put("service", service);
        record.put("timestamp", after.since());
        record.put("trigger", trigger);
        GateState state = state();
        RecordLog records = state == null ? null : state.records();
        if (records != null) {
            try {
                records.append(record, null);
            } catch (IOException e) {
                // Evidence first: a switch nobody could see later is not made.
                throw new IllegalStateException("the switch could not be recorded, so it was not made: " + e, e);
            }
        }
        switches = after;
        String outcome = "governing is " + (after.enabled() ? "ON" : "OFF (governed methods run unrecorded)")
                + ", mode " + record.get("mode") + ", switched by " + after.by();
        log().warn("{} ({})", outcome, trigger);
        return outcome;
    }

    @Override
    public Object enter(int methodId, Object[] arguments) {
        // Switched off by ops: one volatile read, no decision, no record.
        if (!switches.enabled()) {
            return null;
        }
        GovernedMethod method = methods.get(methodId);
        try {
            if (method == null) {
                throw new IllegalStateException("no governed method has id " + methodId);
            }
            CallNesting.Slot slot = nesting.slot();
            if (slot.joins(method, arguments)) {
                // A proxy forwarded the call this thread is inside: that call's decision covers this one.
                return null;
            }
            GateState state = current;
            if (state == null) {
                state = awaitStartup(method);
            }
            if (state.policy() != null && !state.policy().enabled()) {
                return null;
            }
            return decide(state, method, arguments, slot);
        } catch (ActionDeniedException denied) {
            throw method.api().translate(denied);
        } catch (Throwable fault) {
            String action = method == null ? "unknown" : method.action();
            reportFault("decision for " + (method == null ? methodId : method.signature()), fault);
            ActionDeniedException denied = denial(null, action, Verdict.DENY.wireName(),
                    "internal fault of the ActionGate agent, failing closed: " + fault, List.of());
            throw method == null ? denied : method.api().translate(denied);
        }
    }

    private GateState awaitStartup(GovernedMethod method) throws InterruptedException, ExecutionException {
        try {
            return startup.get(Math.max(0, startupDeadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            String problem = "the agent's start-up has not finished within its deadline (startup_timeout); it is still "
                    + startupStep.get() + "; failing closed until it finishes";
            if (reportedFaults.add(problem)) {
                log().error("ActionGate denies governed calls: {}", problem);
            }
            throw denial(null, method.action(), Verdict.DENY.wireName(), problem, List.of());
        }
    }

    @Override
    public boolean runsDecided(String methodName, Object[] arguments) {
        try {
            GateState state = current;
            if (!switches.enabled() || (state != null && state.policy() != null && !state.policy().enabled())
                    || nesting.slot().inside(methodName, arguments)) {
                return true;
            }
            log().error("refused to run a governed lambda's {} outside its proxy's governed call: application code"
                    + " called the proxy's handler directly", methodName);
        } catch (RuntimeException | LinkageError e) {
            log().error("could not tell whether a governed lambda's {} runs decided; refused: {}", methodName, e.toString());
        }
        return false;
    }

    /**
     * Someone tried to put another dispatcher behind the bridge while this gate is in force: the
     * attempt was refused; say so where ops and auditors look.
     */
    @Override
    public void refusedInstall(String attempt) {
        try {
            log().error("refused an attempt to replace ActionGate's dispatcher with {}: governed calls stay decided by"
                    + " this agent", attempt);
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("attempt", attempt);
            record.put("kind", "bridge_install_refused");
            record.put("service", service);
            record.put("thread", Thread.currentThread().getName());
            record.put("timestamp", Timestamps.now());
            GateState state = state();
            if (state != null && state.records() != null) {
                state.records().append(record, null);
            }
        } catch (Exception | LinkageError e) {
            log().error("the refused dispatcher install could not be recorded: {}", e.toString());
        }
    }

    private Object decide(GateState state, GovernedMethod method, Object[] arguments, CallNesting.Slot slot) {
        String decisionId = DecisionIds.next();
        String timestamp = Timestamps.now();
        ApplicationApi.Scope scope = method.api().scope();
        CallContext context = deployment.apply(CallContext.of(scope, contextMdc,
                contextMdc.isEmpty() ? ApplicationSlf4j.NONE : method.slf4j()), method.action());
        Policy policy = state.policy();

        long start = System.nanoTime();
        Map<String, Object> args = method.arguments(arguments);
        Decision decision;
        if (policy == null) {
            decision = new Decision(Verdict.DENY, List.of(), "no usable policy: " + state.policyProblem(), true);
        } else {
            Map<String, Object> variables = Map.of(
                    "action", method.action(),
                    "args", args,
                    "ctx", contextVariable(context),
                    "method", method.methodVariable());
            decision = policy.evaluate(method.action(), variables);
        }
        Mode forced = switches.mode();
        if (forced != null && decision.enforced() != (forced == Mode.ENFORCE)) {
            decision = decision.withEnforced(forced == Mode.ENFORCE);
        }
        long evalNanos = System.nanoTime() - start;

        Escalation escalation = policy == null ? null : policy.escalation();
        int priorDenials = 0;
        String denialKey = null;
        if (escalation != null) {
            denialKey = DenialCounter.key(context.actor(), method.action(), context.tenant());
            priorDenials = denials.count(denialKey, escalation.within());
            if (priorDenials >= escalation.afterDenials()) {
                decision = decision.withVerdict(Verdict.ESCALATE, "escalated for incident review: "
                        + priorDenials + " denied attempts of this action by this actor within "
                        + escalation.withinText() + " (" + decision.reason() + ")");
            }
        }

        ApprovalHold.Held held = null;
        if (decision.enforced() && decision.verdict() == Verdict.REQUIRE_APPROVAL) {
            held = holds.hold(state, method, context, scope.approval(), args, decision, decisionId);
            decision = held.decision();
        }
        // Counted after the hold: retrying a call a reviewer already rejected is a denial too.
        if (denialKey != null && (decision.verdict() == Verdict.DENY || decision.verdict() == Verdict.ESCALATE)) {
            denials.add(denialKey, escalation.within());
        }

        // Fields in sorted order, as the canonical form has them: each name is written from its encoded form.
        RepeatedValues repeated = repeatedValues(state);
        SortedRecord record = new SortedRecord(40);
        record.add(ACTION, method.actionValue());
        if (held != null && held.digest() != null) {
            record.add(ACTION_DIGEST, held.digest());
        }
        record.add(ACTOR, context.actor());
        if (held != null && held.consumed() != null) {
            record.add(APPROVAL_CONSUMED, held.consumed().id());
        }
        if (held != null && held.request() != null) {
            record.add(APPROVAL_ID, held.request().id());
            record.add(APPROVAL_MODE, held.failFast() ? "fail_fast" : "wait");
            record.add(APPROVERS, held.request().approvers());
        }
        record.add(ARGUMENTS, ArgumentSummary.of(args, policy == null ? Set.of() : policy.redactedKeys()));
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
        record.add(HOST, repeated.host());
        record.add(KIND, DECISION);
        record.add(MATCHED_RULES, decision.matchedRules());
        record.add(METHOD, method.signatureValue());
        record.add(ON_BEHALF_OF, context.onBehalfOf());
        record.add(PID, pid);
        record.add(POLICY_SHA256, repeated.policySha256());
        record.add(POLICY_VERSION, repeated.policyVersion());
        record.add(REASON, decision.reason());
        if (held != null && held.consumed() != null) {
            record.add(REVIEWED_AT, held.consumed().reviewedAt().toString());
            record.add(REVIEWER, held.consumed().reviewer());
        }
        record.add(SERVICE, serviceValue);
        record.add(TENANT, context.tenant());
        record.add(THREAD, threadName());
        record.add(TIMESTAMP, timestamp);
        record.add(VERDICT, VERDICTS.get(decision.verdict()));
        write(state, method, record, decisionId, decision);
        decided.get(decision.verdict()).increment();
        if (decision.verdict() == Verdict.ESCALATE) {
            incident(state, method, record, priorDenials, escalation);
        }

        if (held != null && held.request() != null) {
            holds.awaitReviewer(state, method, arguments, args, record, held);
        } else if (decision.enforced() && decision.verdict() != Verdict.ALLOW) {
            throw denial(decisionId, method.action(), decision.verdict().wireName(), decision.reason(),
                    decision.matchedRules());
        }
        return slot.started(new Invocation(decisionId, method, System.nanoTime(), arguments, scope, slot,
                slot.innermost()));
    }

    /**
     * Values every decision record repeats until the policy changes, encoded for JSON once
     * instead of per call.
     */
    private record RepeatedValues(GateState state, Object host, Object policySha256, Object policyVersion) {
    }

    private volatile RepeatedValues repeatedValues;

    private RepeatedValues repeatedValues(GateState state) {
        RepeatedValues cached = repeatedValues;
        if (cached == null || cached.state() != state) {
            Policy policy = state.policy();
            cached = new RepeatedValues(state, CanonicalJson.constant(state.host()),
                    policy == null ? null : CanonicalJson.constant(policy.sha256()),
                    policy == null ? null : CanonicalJson.constant(policy.version()));
            repeatedValues = cached;
        }
        return cached;
    }

    /** The fields of decision and outcome records. */
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
    private static final SortedRecord.Field KIND = SortedRecord.Field.named("kind");
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

    private static Object threadName() {
        String name = Thread.currentThread().getName();
        Object[] cached = THREAD_NAME.get();
        if (cached == null || cached[0] != name) {
            cached = new Object[] {name, CanonicalJson.constant(name)};
            THREAD_NAME.set(cached);
        }
        return cached[1];
    }

    /** No record, no action: a decision that cannot be written denies the call. */
    void write(GateState state, GovernedMethod method, Map<String, Object> record, String decisionId,
                       Decision decision) {
        RecordLog records = state.records();
        String problem;
        if (records == null) {
            problem = state.recordsProblem();
        } else {
            try {
                records.append(record, method.slf4j().orNull());
                return;
            } catch (Exception e) {
                problem = "cannot append to " + records.path() + ": " + e;
            }
        }
        reportFault("decision record " + decisionId, new IllegalStateException(problem));
        // No decision id: the exception must not point ops at a record that does not exist.
        throw denial(null, method.action(), Verdict.DENY.wireName(),
                "the decision record could not be written (" + problem + ")", decision.matchedRules());
    }

    /**
     * Records the incident an escalation raises, says so at ERROR, and posts it to the webhook.
     * The call is denied whatever happens here: the decision record already says so.
     */
    private void incident(GateState state, GovernedMethod method, Map<String, Object> decisionRecord, int priorDenials,
                          Escalation escalation) {
        Map<String, Object> incident = new LinkedHashMap<>(24);
        incident.put("action", decisionRecord.get("action"));
        incident.put("actor", decisionRecord.get("actor"));
        incident.put("decision_id", decisionRecord.get("decision_id"));
        incident.put("denials", priorDenials);
        incident.put("environment", decisionRecord.get("environment"));
        incident.put("host", decisionRecord.get("host"));
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
        log().error("ActionGate incident: actor '{}' (tenant '{}') was denied '{}' {} times within {}; decision {} escalated",
                incident.get("actor"), incident.get("tenant"), incident.get("action"), priorDenials,
                escalation.withinText(), incident.get("decision_id"));
        try {
            state.records().append(incident, line -> {
                method.slf4j().accept(line);
                if (webhook != null) {
                    webhook.post(line, (attempts, problem) -> webhookFailed(state, incident, attempts, problem));
                }
            });
        } catch (Exception e) {
            log().error("incident record of decision {} could not be written ({}): {}", incident.get("decision_id"), e,
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
        log().error("incident of decision {} could not be posted to {} after {} attempts: {}",
                incident.get("decision_id"), webhook.uri(), attempts, problem);
        try {
            state.records().appendSoon(failure, null);
        } catch (Exception e) {
            log().error("webhook failure record could not be written ({}): {}", e, failure);
        }
    }

    @Override
    public void exit(Object token, Throwable thrown) {
        if (!(token instanceof Invocation invocation)) {
            return;
        }
        invocation.slot().finished(invocation);
        // Runs in the application's method after its body: whatever goes wrong here must not
        // replace what the body returned or threw.
        SortedRecord record = null;
        try {
            GateState state = state();
            RecordLog records = state == null ? null : state.records();
            // Where and what ran is in the decision record this one links to; an outcome says only how it ended.
            record = new SortedRecord(8);
            record.add(ACTION, invocation.method().actionValue());
            record.add(DECISION_ID, invocation.decisionId());
            record.add(DURATION_NS, System.nanoTime() - invocation.startNanos());
            record.add(EXCEPTION, thrown == null ? null : thrown.getClass().getName());
            record.add(KIND, OUTCOME_KIND);
            record.add(OUTCOME, thrown == null ? RETURNED : THREW);
            record.add(THREAD, threadName());
            record.add(TIMESTAMP, Timestamps.now());
            if (records == null) {
                throw new IllegalStateException("no records file");
            }
            records.appendSoon(record, invocation.method().slf4j().orNull());
        } catch (Throwable e) {
            // The body has run; the outcome cannot be undone, only reported where ops will see it.
            try {
                log().error("outcome record of decision {} could not be written ({}): {}", invocation.decisionId(), e,
                        record);
            } catch (Throwable ignored) {
                // nothing left to report with
            }
        }
    }

    /**
     * The exception a governed method throws. The agent's own frames are cut so that the trace
     * starts at the governed method, as if its first statement had thrown.
     */
    static ActionDeniedException denial(String decisionId, String action, String verdict, String reason,
                                                List<String> matchedRules) {
        return trimmed(new ActionDeniedException(decisionId, action, verdict, reason, matchedRules));
    }

    static <T extends ActionDeniedException> T trimmed(T denied) {
        StackTraceElement[] trace = denied.getStackTrace();
        int first = 0;
        while (first < trace.length && isAgentFrame(trace[first].getClassName())) {
            first++;
        }
        denied.setStackTrace(Arrays.copyOfRange(trace, first, trace.length));
        return denied;
    }

    private static boolean isAgentFrame(String className) {
        // The bridge's name is the relocated one in the agent jar (java.lang.ActionGateBridge).
        return className.startsWith("dev.actiongate.agent.") || className.startsWith(GateBridge.class.getName());
    }

    /** Looked up on first use so that creating the gate at start-up does not start logging. */
    private static Logger log() {
        return LoggerFactory.getLogger("actiongate");
    }

    private static Map<String, Object> contextVariable(CallContext context) {
        return Map.of(
                "actor", orEmpty(context.actor()),
                "on_behalf_of", orEmpty(context.onBehalfOf()),
                "tenant", orEmpty(context.tenant()),
                "environment", orEmpty(context.environment()),
                "reason", orEmpty(context.reason()),
                "attributes", context.attributes());
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** Logs a fault with its stack the first time it is seen, in one line after that. */
    private void reportFault(String where, Throwable fault) {
        String key = where.replaceAll("decision record \\S+", "decision record") + fault.getClass().getName();
        if (reportedFaults.add(key)) {
            log().error("ActionGate denied a call because of a fault ({}), failing closed", where, fault);
            return;
        }
        // Every denied call throws and says why; the log repeats a fault at most once a second, with
        // how many calls it denied meanwhile, so that a broken records folder cannot flood it.
        FaultRepeats repeats = faultRepeats.computeIfAbsent(key, unused -> new FaultRepeats());
        long now = System.nanoTime();
        long suppressed = repeats.suppressed.incrementAndGet();
        long last = repeats.lastLogged.get();
        if (now - last >= FAULT_REPEAT_NANOS && repeats.lastLogged.compareAndSet(last, now)) {
            repeats.suppressed.addAndGet(-suppressed);
            log().error("ActionGate denied {} call(s) because of a fault ({}): {}", suppressed, where, fault.toString());
        }
    }

    private static final long FAULT_REPEAT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final Map<String, FaultRepeats> faultRepeats = new ConcurrentHashMap<>();

    /** How often a known fault was seen since it was last logged. */
    private static final class FaultRepeats {
        private final java.util.concurrent.atomic.AtomicLong lastLogged = new java.util.concurrent.atomic.AtomicLong(
                System.nanoTime() - FAULT_REPEAT_NANOS);
        private final java.util.concurrent.atomic.AtomicLong suppressed = new java.util.concurrent.atomic.AtomicLong();
    }
}
