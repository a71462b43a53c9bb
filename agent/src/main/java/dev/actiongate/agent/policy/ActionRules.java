package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.JsonLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules that apply to each action, with their conditions compiled. A policy loaded for
 * {@code check} or a reload has every condition compiled before it exists. One loaded at the
 * agent's start with many conditions leaves them {@linkplain #pending pending}: an action's
 * conditions are compiled by its first call, and all of them by {@link #compileRest} on a
 * background thread meanwhile, so that a condition that does not compile is found soon after
 * the start, not only when its action is called. From then on {@link #problem} names it (file,
 * line, column, rule) and the policy denies every call.
 *
 * <p>While a first call compiles its action's conditions from the front, the background thread
 * turns to them from the back, and both share what either compiled: the call waits for its own
 * action, with both cores on it, not for the rest of the policy. Two first calls of one action
 * take turns: the second uses what the first compiled.
 */
final class ActionRules {

    private final Path file;
    private final List<Rule> rules;
    /** Where the {@code when:} of each rule compiled on demand is, by rule id; empty when none is. */
    private final Map<String, JsonLocation> pending;
    /** The rules that apply to an action, compiled, found once per action name rather than per call. */
    private final Map<String, List<Rule>> byAction = new ConcurrentHashMap<>();
    /** Held by the first call of an action while it compiles the action's rules. */
    private final Map<String, Object> firstCalls = new ConcurrentHashMap<>();
    /** Every pending condition compiled so far, by its source. */
    private final Map<String, Conditions.Compiled> compiled = new ConcurrentHashMap<>();
    /** What compiling every pending condition found; cancelled when the policy is no longer in force. */
    private final CompletableFuture<CompileReport> report = new CompletableFuture<>();
    /** Every problem found so far, in the order found; guarded by {@code this}. */
    private final Set<String> problems = new LinkedHashSet<>();

    /** The pending rules of the action a first call compiles now, for the background thread to help with. */
    private volatile List<Rule> urgent;

    /** Why the policy cannot be used, or {@code null}: the one volatile read a call adds. */
    private volatile String problem;

    ActionRules(Path file, List<Rule> rules, Map<String, JsonLocation> pending) {
        this.file = file;
        this.rules = List.copyOf(rules);
        this.pending = Map.copyOf(pending);
        if (this.pending.isEmpty()) {
            report.complete(new CompileReport(List.of(), List.of()));
        }
    }

    List<Rule> all() {
        return rules;
    }

    /** Whether some conditions are left to compile after the load. */
    boolean lazy() {
        return !pending.isEmpty();
    }

    /** The rules that can apply to {@code action}, in file order, compiled on the first call. */
    List<Rule> forAction(String action) {
        List<Rule> found = byAction.get(action);
        return found != null ? found : firstCall(action);
    }

    /**
     * The policy's problem as {@link PolicyException#getMessage()} says it, once a condition was
     * found not to compile; {@code null} before (and always for a policy compiled at load).
     */
    String problem() {
        return problem;
    }

    CompletableFuture<CompileReport> report() {
        return report;
    }

    /** Starts {@link #compileRest} on a daemon thread of its own. */
    void compileInBackground() {
        if (report.isDone()) {
            return;
        }
        Thread thread = new Thread(this::compileRest, "actiongate-policy-compile");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Compiles every pending condition not compiled yet, last rule first, then completes the
     * report with every problem and warning in file order. Stops early once the report was
     * cancelled (the policy was replaced). Never throws: a fault is the policy's problem.
     */
    void compileRest() {
        try {
            Conditions.Batch batch = new Conditions.Batch();
            List<Rule> helped = null;
            for (int i = rules.size() - 1; i >= 0 && !report.isDone(); ) {
                List<Rule> help = urgent;
                if (help != null && help != helped) {
                    help(help, batch);
                    helped = help;
                    continue;
                }
                Rule rule = rules.get(i--);
                if (pending.containsKey(rule.id()) && !compiled.containsKey(rule.when())) {
                    compiled.putIfAbsent(rule.when(), batch.compile(rule.when()));
                }
            }
            if (report.isDone()) {
                return;
            }
            PolicyProblems found = new PolicyProblems(file);
            for (Rule rule : rules) {
                compiled(rule, batch, found);
            }
            List<String> messages = found.messages();
            if (!messages.isEmpty()) {
                fail(messages);
            }
            report.complete(new CompileReport(messages, found.warnings()));
        } catch (Throwable e) {
            // Out of memory included: a condition left unchecked must not leave the policy usable.
            List<String> fault = List.of(file + ": its conditions could not be compiled: " + e);
            fail(fault);
            report.complete(new CompileReport(fault, List.of()));
        }
    }

    /**
     * Compiles the conditions of {@code help}, the rules a first call is compiling from the
     * front, from the back, until the call is done (past the point where they meet, only
     * skipping what the call compiled): a call waits for its own
     * action's conditions, which the background thread's turn would otherwise delay.
     */
    private void help(List<Rule> help, Conditions.Batch batch) {
        for (int i = help.size() - 1; i >= 0 && urgent == help && !report.isDone(); i--) {
            String when = help.get(i).when();
            if (!compiled.containsKey(when)) {
                compiled.putIfAbsent(when, batch.compile(when));
            }
        }
    }

    /** Compiles the rules that apply to {@code action}; a second caller for the same action waits for the first. */
    private List<Rule> firstCall(String action) {
        Object turn = firstCalls.computeIfAbsent(action, name -> new Object());
        synchronized (turn) {
            List<Rule> found = byAction.get(action);
            if (found == null) {
                List<Rule> applying = new ArrayList<>();
                boolean compiles = false;
                for (Rule rule : rules) {
                    if (rule.appliesTo(action)) {
                        applying.add(rule);
                        compiles |= pending.containsKey(rule.id());
                    }
                }
                if (compiles) {
                    compileFirst(applying);
                }
                found = List.copyOf(applying);
                // Published after fail(): a call that finds this list also finds the problem.
                byAction.put(action, found);
            }
            firstCalls.remove(action, turn);
            return found;
        }
    }

    /** Replaces each rule of {@code applying} by its compiled self, with the background thread's help. */
    private void compileFirst(List<Rule> applying) {
        List<Rule> mine =
                applying.stream().filter(rule -> pending.containsKey(rule.id())).toList();
        urgent = mine;
        try {
            PolicyProblems here = new PolicyProblems(file);
            Conditions.Batch batch = new Conditions.Batch();
            applying.replaceAll(rule -> compiled(rule, batch, here));
            if (!here.isEmpty()) {
                fail(here.messages());
            }
        } finally {
            if (urgent == mine) {
                urgent = null;
            }
        }
    }

    /**
     * {@code rule} with its pending condition compiled, taken from what was compiled before or
     * compiled now in {@code batch}; its problems and warnings added to {@code found}. A
     * condition that does not compile makes the rule deny whenever it applies.
     */
    private Rule compiled(Rule rule, Conditions.Batch batch, PolicyProblems found) {
        JsonLocation at = rule.condition() == null ? pending.get(rule.id()) : null;
        if (at == null) {
            return rule;
        }
        Conditions.Compiled condition = compiled.get(rule.when());
        if (condition == null) {
            condition = batch.compile(rule.when());
            Conditions.Compiled before = compiled.putIfAbsent(rule.when(), condition);
            condition = before == null ? condition : before;
        }
        RuleCompiler.report(condition, rule.when(), at, rule.id(), found);
        return condition.program() == null ? rule.denying() : rule.withCondition(condition.program());
    }

    /** Adds {@code messages} to the policy's problems: from now on it denies every call. */
    private synchronized void fail(List<String> messages) {
        problems.addAll(messages);
        problem = new PolicyException(file, List.copyOf(problems)).getMessage();
    }
}
