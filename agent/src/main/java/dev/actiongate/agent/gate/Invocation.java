package dev.actiongate.agent.gate;

/**
 * A governed call whose body is running: what the gate needs to record its outcome, and to
 * recognise a call forwarded from it ({@link CallNesting}).
 *
 * @param arguments the call's arguments, as the advice passed them
 * @param scope     the {@code ActionContext} values it was decided with
 * @param slot      its thread's nesting slot
 * @param outer     the governed call it runs inside on its thread, or {@code null}
 */
record Invocation(
        String decisionId,
        GovernedMethod method,
        long startNanos,
        Object[] arguments,
        ApplicationApi.Scope scope,
        CallNesting.Slot slot,
        Invocation outer) {}
