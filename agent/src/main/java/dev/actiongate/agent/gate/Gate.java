package dev.actiongate.agent.gate;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.agent.escalation.DenialCounter;
import dev.actiongate.agent.escalation.EventCounter;
import dev.actiongate.agent.escalation.IncidentWebhook;
import dev.actiongate.agent.policy.Decision;
import dev.actiongate.agent.policy.Escalation;
import dev.actiongate.agent.policy.GovernEntry;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.policy.Verdict;
import dev.actiongate.agent.records.DecisionIds;
import dev.actiongate.agent.records.RecordSink;
import dev.actiongate.agent.records.SortedRecord;
import dev.actiongate.agent.records.Timestamps;
import dev.actiongate.bootstrap.GateBridge;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision path of every governed call: build the policy input, evaluate, write the
 * decision record, enforce. Nothing here lets a call through without a record: a missing
 * policy, an unwritable records file or a fault of the agent itself denies the call.
 */
public final class Gate implements GateBridge.Dispatcher {

    private final MethodRegistry methods;
    private final PolicyInForce policyInForce;
    private final GovernanceSwitch governance;
    private final String service;
    private final FaultLog faults = new FaultLog();
    private final RecordOrDeny recordOrDeny = new RecordOrDeny(faults);
    private final DecisionRecords decisionRecords;
    private final DenialEscalation escalation;
    private final Map<String, String> contextMdc;
    private final Map<Verdict, LongAdder> decided = new EnumMap<>(Verdict.class);
    private final ApprovalHold holds;
    private final DeploymentEnvironment deployment;
    private final InstrumentationFailures instrumentationFailures;
    private final CallNesting nesting = new CallNesting();
    private final QuotaCheck quotas = QuotaCheck.inMemory();

    /**
     * @param webhook    where incidents are posted, or {@code null}
     * @param contextMdc context field to the application's MDC key read when no scope sets it
     * @param approvalTimeout how long a held call waits unless its rule says otherwise
     */
    public Gate(
            MethodRegistry methods,
            CompletableFuture<GateState> startup,
            String service,
            IncidentWebhook webhook,
            Map<String, String> contextMdc,
            Duration approvalTimeout) {
        this(methods, startup, service, webhook, contextMdc, approvalTimeout, null, new DenialCounter());
    }

    /**
     * @param pinnedEnvironment the environment the operator set explicitly, which no caller's scope
     *                          can override; {@code null} when only the built-in default applies
     * @param denials    where denied attempts are counted for the policy's escalation
     */
    public Gate(
            MethodRegistry methods,
            CompletableFuture<GateState> startup,
            String service,
            IncidentWebhook webhook,
            Map<String, String> contextMdc,
            Duration approvalTimeout,
            String pinnedEnvironment,
            EventCounter denials) {
        this.deployment = pinnedEnvironment == null
                ? DeploymentEnvironment.UNPINNED
                : new DeploymentEnvironment(pinnedEnvironment, warning -> log().warn(warning));
        this.holds = new ApprovalHold(approvalTimeout, Map.copyOf(contextMdc), deployment, recordOrDeny);
        this.methods = methods;
        this.service = service;
        long pid = ProcessHandle.current().pid();
        this.decisionRecords = new DecisionRecords(service, pid);
        this.escalation = new DenialEscalation(denials, webhook, service, pid);
        this.contextMdc = Map.copyOf(contextMdc);
        this.instrumentationFailures = new InstrumentationFailures(service);
        var unused = startup.thenAccept(state -> instrumentationFailures.recordInto(state.sink()));
        this.policyInForce = new PolicyInForce(startup, service, faults);
        this.governance = new GovernanceSwitch(service, policyInForce::state);
        List.of(Verdict.values()).forEach(verdict -> decided.put(verdict, new LongAdder()));
    }

    /** Releases what the gate runs besides calls (the incident webhook's thread); the agent is detaching. */
    public void close() {
        escalation.close();
    }

    /**
     * Bounds how long governed calls wait for start-up: past {@code timeout} from now, a call that
     * finds start-up unfinished is denied naming what start-up is doing ({@code step}), instead
     * of hanging with it on a path that never answers.
     */
    public void startupDeadline(Duration timeout, Supplier<String> step) {
        policyInForce.startupDeadline(timeout, step);
    }

    /** The govern: entries the instrumentation was installed with, to tell a reload what it cannot add. */
    public void instrumentedGovern(List<GovernEntry> entries) {
        policyInForce.instrumentedGovern(entries);
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
        return policyInForce.state();
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
    public Reload reload(Path file, String trigger) {
        return policyInForce.reload(file, trigger);
    }

    /**
     * What a reload came to.
     *
     * @param rejected {@code true} when the file did not compile and the policy in force stays
     * @param outcome  one line saying what is in force now
     */
    public record Reload(boolean rejected, String outcome) {}

    /** The environment decisions are made in, as the operator pinned it (or did not). */
    DeploymentEnvironment deployment() {
        return deployment;
    }

    /** What ops switched at run time; {@link Switches#NONE} unless someone did. */
    public Switches switches() {
        return governance.switches();
    }

    /**
     * Switches governing on or off, or forces the mode, for every call from now on, and records
     * who did it. A {@code null} argument leaves that switch as it is; {@code mode} may be
     * {@code "policy"} to go back to the policy's mode.
     *
     * @return a one-line description of what is in force now
     * @throws IllegalArgumentException on an unknown mode or a missing name
     */
    public String switchGoverning(Boolean enabled, String mode, String by, String reason, String trigger) {
        return governance.switchGoverning(enabled, mode, by, reason, trigger);
    }

    @Override
    public Object enter(int methodId, Object[] arguments) {
        // Switched off by ops: one volatile read, no decision, no record.
        if (!governance.switches().enabled()) {
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
            GateState state = policyInForce.current();
            if (state == null) {
                state = policyInForce.awaitStartup(method);
            }
            if (state.policy() != null && !state.policy().enabled()) {
                return null;
            }
            return decide(state, method, arguments, slot);
        } catch (ActionDeniedException denied) {
            throw method.api().translate(denied);
        } catch (Throwable fault) {
            String action = method == null ? "unknown" : method.action();
            faults.report("decision for " + (method == null ? methodId : method.signature()), fault);
            ActionDeniedException denied = Denial.of(
                    null,
                    action,
                    Verdict.DENY.wireName(),
                    "internal fault of the ActionGate agent, failing closed: " + fault,
                    List.of());
            throw method == null ? denied : method.api().translate(denied);
        }
    }

    @Override
    public boolean runsDecided(String methodName, Object[] arguments) {
        try {
            GateState state = policyInForce.current();
            if (!governance.switches().enabled()
                    || (state != null
                            && state.policy() != null
                            && !state.policy().enabled())
                    || nesting.slot().inside(methodName, arguments)) {
                return true;
            }
            log().error(
                            "refused to run a governed lambda's {} outside its proxy's governed call: application code"
                                    + " called the proxy's handler directly",
                            methodName);
        } catch (RuntimeException | LinkageError e) {
            log().error(
                            "could not tell whether a governed lambda's {} runs decided; refused: {}",
                            methodName,
                            e.toString());
        }
        return false;
    }

    /**
     * Someone tried to put another dispatcher behind the bridge while this gate is in force: the
     * attempt was refused; say so where ops and auditors look.
     */
    @Override
    public void refusedInstall(String attempt) {
        RefusedInstall.record(attempt, service, state());
    }

    private Object decide(GateState state, GovernedMethod method, Object[] arguments, CallNesting.Slot slot) {
        String decisionId = DecisionIds.next();
        String timestamp = Timestamps.now();
        ApplicationApi.Scope scope = method.api().scope();
        CallContext context = deployment.apply(
                CallContext.of(scope, contextMdc, contextMdc.isEmpty() ? ApplicationSlf4j.NONE : method.slf4j()),
                method.action());
        Policy policy = state.policy();

        long start = System.nanoTime();
        Map<String, Object> args = method.arguments(arguments);
        Map<String, Object> variables = PolicyInput.variables(method, args, context);
        Decision decision = governance.inForcedMode(
                policy == null
                        ? new Decision(Verdict.DENY, List.of(), "no usable policy: " + state.policyProblem(), true)
                        : policy.evaluate(method.action(), variables));
        long evalNanos = System.nanoTime() - start;

        Escalation escalates = policy == null ? null : policy.escalation();
        int priorDenials = 0;
        String denialKey = null;
        if (escalates != null) {
            denialKey = DenialEscalation.key(method, context);
            DenialEscalation.Checked checked = escalation.check(state, denialKey, escalates, decision);
            priorDenials = checked.priorDenials();
            decision = checked.decision();
        }
        decision = quotas.check(state, method.action(), variables, decision);
        ApprovalRequests.Held held = null;
        if (decision.enforced() && decision.verdict() == Verdict.REQUIRE_APPROVAL) {
            held = holds.hold(state, method, context, scope.approval(), args, decision, decisionId);
            decision = held.decision();
        }
        // Counted after the hold: retrying a call a reviewer already rejected is a denial too.
        if (denialKey != null) {
            escalation.counted(state, denialKey, escalates, decision);
        }

        SortedRecord record = decisionRecords.decision(
                state, method, context, args, decision, held, decisionId, timestamp, evalNanos);
        recordOrDeny.write(state, method, record, decisionId, decision);
        decided.get(decision.verdict()).increment();
        if (decision.verdict() == Verdict.ESCALATE) {
            escalation.incident(state, method, record, priorDenials, escalates);
        }
        if (held != null && held.request() != null) {
            holds.awaitReviewer(state, method, arguments, args, record, held);
        } else if (decision.enforced() && decision.verdict() != Verdict.ALLOW) {
            throw Denial.of(
                    decisionId,
                    method.action(),
                    decision.verdict().wireName(),
                    decision.reason(),
                    decision.matchedRules());
        }
        return slot.started(
                new Invocation(decisionId, method, System.nanoTime(), arguments, scope, slot, slot.innermost()));
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
            RecordSink sink = state == null ? null : state.sink();
            record = decisionRecords.outcome(invocation, thrown);
            if (sink == null) {
                throw new IllegalStateException("no records file");
            }
            sink.appendSoon(record, invocation.method().slf4j().orNull());
        } catch (Throwable e) {
            // The body has run; the outcome cannot be undone, only reported where ops will see it.
            try {
                log().error(
                                "outcome record of decision {} could not be written ({}): {}",
                                invocation.decisionId(),
                                e,
                                record);
            } catch (Throwable ignored) {
                // nothing left to report with
            }
        }
    }

    /** Looked up on first use so that creating the gate at start-up does not start logging. */
    private static Logger log() {
        return LoggerFactory.getLogger("actiongate");
    }
}
