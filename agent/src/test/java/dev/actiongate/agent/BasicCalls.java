package dev.actiongate.agent;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.agent.gate.Gate;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.gate.MethodRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The three governed calls of a small application ({@code greet}, {@code delete_file},
 * {@code transfer_money}, one argument each), made through a {@link Gate} over a state that
 * {@link StartupState#prepare} made, as the inlined advice makes them.
 */
final class BasicCalls {

    /** A governed method of one parameter, and the argument it is called with. */
    record Call(String action, String parameter, String argument) {}

    static final List<Call> CALLS = List.of(
            new Call("greet", "name", "world"),
            new Call("delete_file", "path", "/srv/data/report.csv"),
            new Call("transfer_money", "to", "acct-2"));

    private BasicCalls() {}

    /** {@link #CALLS}, with a greeting of each of {@code names} in place of the one greeting. */
    static List<Call> greeting(List<String> names) {
        List<Call> calls = new ArrayList<>();
        names.forEach(name -> calls.add(new Call("greet", "name", name)));
        calls.addAll(CALLS.subList(1, CALLS.size()));
        return calls;
    }

    /** As {@link #make(GateState, List)}, with {@link #CALLS}. */
    static List<ActionDeniedException> make(GateState state) {
        return make(state, CALLS);
    }

    /**
     * Makes each of {@code calls} in order; a call let through runs its (empty) body and returns.
     *
     * @return per call, its denial, or {@code null} when its body ran
     */
    static List<ActionDeniedException> make(GateState state, List<Call> calls) {
        MethodRegistry registry = new MethodRegistry();
        Gate gate = new Gate(
                registry,
                CompletableFuture.completedFuture(state),
                "basic-calls",
                null,
                Map.of(),
                Duration.ofSeconds(1));
        List<ActionDeniedException> denials = new ArrayList<>();
        try {
            for (Call call : calls) {
                int id = registry.register(
                        call.action(),
                        "annotation",
                        null,
                        "com.example.App",
                        call.action(),
                        List.of("java.lang.String"),
                        List.of(call.parameter()),
                        true,
                        false,
                        BasicCalls.class.getClassLoader());
                try {
                    gate.exit(gate.enter(id, new Object[] {call.argument()}), null);
                    denials.add(null);
                } catch (ActionDeniedException denied) {
                    denials.add(denied);
                }
            }
        } finally {
            gate.close();
        }
        return denials;
    }
}
