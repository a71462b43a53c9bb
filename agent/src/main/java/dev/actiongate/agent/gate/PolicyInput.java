package dev.actiongate.agent.gate;

import java.util.Map;

/** The variables a policy's CEL conditions see for one call: {@code action}, {@code args}, {@code ctx}, {@code method}. */
final class PolicyInput {

    private PolicyInput() {}

    /** @param args the call's arguments as {@link GovernedMethod#arguments} converted them */
    static Map<String, Object> variables(GovernedMethod method, Map<String, Object> args, CallContext context) {
        return Map.of(
                "action", method.action(),
                "args", args,
                "ctx", contextVariable(context),
                "method", method.methodVariable());
    }

    /** Unset fields are empty strings, so that a condition on one compares instead of failing. */
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
}
