package dev.actiongate.agent.policy;

import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelVariableResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loaded policy. Immutable and safe to share: a decision evaluates one {@code Policy} from
 * start to end. Every condition is compiled before the policy exists, except for a policy of
 * many conditions loaded at the agent's start ({@link PolicySource#compileForStart()}): its
 * conditions are compiled per action on the action's first call and all of them in the
 * background ({@link ActionRules}); once one is found not to compile, every call is denied.
 */
public final class Policy {

    private final Path file;
    private final String version;
    private final String sha256;
    private final Verdict defaultVerdict;
    private final Mode mode;
    private final ActionRules rules;
    private final List<Limit> limits;
    private final Set<String> redactedKeys;
    private final Escalation escalation;
    private final List<GovernEntry> govern;
    private final boolean enabled;
    private final List<String> warnings;
    /** The limits on an action, found once per action name. */
    private final Map<String, List<Limit>> limitsByAction = new ConcurrentHashMap<>();

    Policy(
            Path file,
            String version,
            String sha256,
            Verdict defaultVerdict,
            Mode mode,
            ActionRules rules,
            List<Limit> limits,
            Set<String> redactedKeys,
            Escalation escalation,
            List<GovernEntry> govern,
            boolean enabled,
            List<String> warnings) {
        this.govern = List.copyOf(govern);
        this.warnings = List.copyOf(warnings);
        this.enabled = enabled;
        this.file = file;
        this.version = version;
        this.sha256 = sha256;
        this.defaultVerdict = defaultVerdict;
        this.mode = mode;
        this.rules = rules;
        this.limits = List.copyOf(limits);
        this.redactedKeys = Set.copyOf(redactedKeys);
        this.escalation = escalation;
    }

    /**
     * {@code false} when the policy says {@code enabled: false}: ops switched governing off, and
     * governed methods run unrecorded until a policy says otherwise.
     */
    public boolean enabled() {
        return enabled;
    }

    /**
     * What {@code check} and the agent's log point out without rejecting the policy, each as
     * {@code file:line:column: rule 'id': warning: ...}: conditions whose cost grows faster than
     * their input.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** Methods governed by this policy's {@code govern:} rather than by annotations in their code. */
    public List<GovernEntry> govern() {
        return govern;
    }

    /** The {@code escalation:} block, or {@code null} when the policy has none. */
    public Escalation escalation() {
        return escalation;
    }

    public Path file() {
        return file;
    }

    public String version() {
        return version;
    }

    public String sha256() {
        return sha256;
    }

    public Verdict defaultVerdict() {
        return defaultVerdict;
    }

    public Mode mode() {
        return mode;
    }

    /** The rules in file order; a condition compiled after the load is not in them (see {@link #evaluate}). */
    public List<Rule> rules() {
        return rules.all();
    }

    /**
     * Completes once every condition is compiled, with the problems and warnings found after the
     * load: at once, with none, for a policy compiled at load. Never completes exceptionally,
     * unless {@link #stopCompiling()} cancelled it.
     */
    public CompletableFuture<CompileReport> compiled() {
        return rules.report().copy();
    }

    /** Stops compiling in the background: the policy was replaced, what else is wrong with it no longer matters. */
    public void stopCompiling() {
        rules.report().cancel(false);
    }

    /**
     * Why this policy denies every call, or {@code null}: a condition compiled after the load
     * (see {@link #compiled()}) that did not compile, as {@link PolicyException#getMessage()}
     * names it.
     */
    public String problem() {
        return rules.problem();
    }

    ActionRules actionRules() {
        return rules;
    }

    /** Starts compiling every condition left after the load on a thread of its own. */
    void compileInBackground() {
        rules.compileInBackground();
    }

    /** The {@code limits:}, in file order. */
    public List<Limit> limits() {
        return limits;
    }

    /** The limits that apply to {@code action}, in file order; empty for most actions. */
    public List<Limit> limitsFor(String action) {
        if (limits.isEmpty()) {
            return List.of();
        }
        return limitsByAction.computeIfAbsent(
                action,
                name -> limits.stream().filter(limit -> limit.appliesTo(name)).toList());
    }

    /** Argument keys listed under {@code redact:}, lower case; masked in records on top of the built-in ones. */
    public Set<String> redactedKeys() {
        return redactedKeys;
    }

    /**
     * Evaluates every rule that applies to {@code action}. A condition that fails at run time (a
     * missing key, a wrong type, more than {@link Conditions#MAX_ITERATIONS} iterations) counts as
     * a deny naming the rule: evaluation never fails open. Once a condition of the policy was
     * found not to compile after the load, every call is denied naming it.
     *
     * @param variables the CEL variables {@code action}, {@code args}, {@code ctx}, {@code method}
     */
    public Decision evaluate(String action, Map<String, Object> variables) {
        List<Rule> candidates = rules.forAction(action);
        String problem = rules.problem();
        if (problem != null) {
            return new Decision(Verdict.DENY, List.of(), "no usable policy: " + problem, true);
        }
        Verdict verdict = null;
        List<String> matched = new ArrayList<>(2);
        List<Verdict> verdicts = new ArrayList<>(2);
        List<String> reasons = new ArrayList<>(2);
        ApprovalRequirement approval = null;
        // Looked up as CEL asks: evaluating with the map itself would copy it for every rule.
        CelVariableResolver resolver = name -> Optional.ofNullable(variables.get(name));
        for (Rule rule : candidates) {
            Verdict ruleVerdict;
            String reason;
            if (rule.condition() == null) {
                ruleVerdict = rule.verdict();
                reason = rule.reason();
            } else {
                Object result = result(rule, resolver);
                if (Boolean.TRUE.equals(result)) {
                    ruleVerdict = rule.verdict();
                    reason = rule.reason();
                } else if (Boolean.FALSE.equals(result)) {
                    continue;
                } else {
                    ruleVerdict = Verdict.DENY;
                    reason = failure(rule, result);
                }
            }
            matched.add(rule.id());
            if (ruleVerdict == Verdict.REQUIRE_APPROVAL && rule.approval() != null) {
                approval = approval == null ? rule.approval() : approval.and(rule.approval());
            }
            verdicts.add(ruleVerdict);
            reasons.add(reason);
            verdict = verdict == null ? ruleVerdict : verdict.strictest(ruleVerdict);
        }
        boolean enforced = mode == Mode.ENFORCE;
        if (verdict == null) {
            return new Decision(
                    defaultVerdict,
                    List.of(),
                    "no rule matched; the policy default is " + defaultVerdict.wireName(),
                    enforced);
        }
        String reason = reasonsFor(verdict, verdicts, reasons);
        if (verdict == Verdict.REQUIRE_APPROVAL && approval.reviewers().isEmpty()) {
            return new Decision(
                    Verdict.DENY,
                    matched,
                    reason + "; but no reviewer is named by every rule asking for" + " approval ("
                            + String.join(", ", approval.approvers()) + "), so nobody could approve it",
                    enforced);
        }
        return new Decision(verdict, matched, reason, enforced, verdict == Verdict.REQUIRE_APPROVAL ? approval : null);
    }

    /** What {@code rule}'s condition gave: a value, or the exception it failed with. */
    private static Object result(Rule rule, CelVariableResolver resolver) {
        try {
            return rule.condition().eval(resolver);
        } catch (CelEvaluationException | RuntimeException e) {
            return e;
        }
    }

    /** The reasons of the rules whose verdict is the decision's, in rule order: the others did not decide. */
    private static String reasonsFor(Verdict verdict, List<Verdict> verdicts, List<String> reasons) {
        StringBuilder reason = new StringBuilder();
        for (int i = 0; i < verdicts.size(); i++) {
            if (verdicts.get(i) == verdict) {
                if (reason.length() > 0) {
                    reason.append("; ");
                }
                reason.append(reasons.get(i));
            }
        }
        return reason.toString();
    }

    /**
     * Why {@code rule} denies when its condition gave {@code result} rather than a boolean: an
     * evaluation that ran past {@link Conditions#MAX_ITERATIONS} says so; any other error, or a
     * value of another type, is described as it came.
     */
    private static String failure(Rule rule, Object result) {
        if (result instanceof CelEvaluationException e && e.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED) {
            return "rule '" + rule.id() + "': condition exceeded the evaluation limit of " + Conditions.MAX_ITERATIONS
                    + " iterations; denied";
        }
        return "rule '" + rule.id() + "' could not be evaluated: " + describe(result);
    }

    private static String describe(Object result) {
        if (result instanceof Throwable t) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            // CEL names the function that failed; what made it fail (an argument cut short, a
            // getter that threw) is for the innermost cause to say
            Throwable cause = t;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            return cause == t || cause.getMessage() == null || message.contains(cause.getMessage())
                    ? message
                    : message + ": " + cause.getMessage();
        }
        return "the condition returned " + result + " instead of a boolean";
    }
}
