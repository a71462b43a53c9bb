package dev.actiongate.agent.gate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who acts in one governed call: the {@code ActionContext} scope in force, with the fields no scope
 * set filled from the application's MDC when {@code context_mdc} says so.
 *
 * @param environment        the environment the decision is made in
 * @param sources            for each field {@code context_mdc} maps, where its value came from:
 *                           {@code scope}, {@code mdc:KEY} or {@code unset}; empty when nothing is mapped
 * @param callerEnvironment  the environment the scope claimed when the operator's configured one
 *                           overrode it, else {@code null}
 */
record CallContext(
        String actor,
        String onBehalfOf,
        String tenant,
        String reason,
        String environment,
        Map<String, String> attributes,
        Map<String, String> sources,
        String callerEnvironment) {

    CallContext(
            String actor,
            String onBehalfOf,
            String tenant,
            String reason,
            String environment,
            Map<String, String> attributes,
            Map<String, String> sources) {
        this(actor, onBehalfOf, tenant, reason, environment, attributes, sources, null);
    }

    /** This context deciding in {@code decided}, remembering that the caller claimed {@code claimed}. */
    CallContext inEnvironment(String decided, String claimed) {
        return new CallContext(actor, onBehalfOf, tenant, reason, decided, attributes, sources, claimed);
    }

    static CallContext of(ApplicationApi.Scope scope, Map<String, String> mdcKeys, ApplicationSlf4j mdc) {
        if (mdcKeys.isEmpty()) {
            return new CallContext(
                    scope.actor(),
                    scope.onBehalfOf(),
                    scope.tenant(),
                    scope.reason(),
                    scope.environment(),
                    scope.attributes(),
                    Map.of());
        }
        Map<String, String> sources = new LinkedHashMap<>();
        return new CallContext(
                field("actor", scope.actor(), mdcKeys, mdc, sources),
                field("on_behalf_of", scope.onBehalfOf(), mdcKeys, mdc, sources),
                field("tenant", scope.tenant(), mdcKeys, mdc, sources),
                field("reason", scope.reason(), mdcKeys, mdc, sources),
                scope.environment(),
                scope.attributes(),
                sources);
    }

    private static String field(
            String name,
            String fromScope,
            Map<String, String> mdcKeys,
            ApplicationSlf4j mdc,
            Map<String, String> sources) {
        String key = mdcKeys.get(name);
        if (key == null) {
            return fromScope;
        }
        if (fromScope != null) {
            sources.put(name, "scope");
            return fromScope;
        }
        String fromMdc = mdc.mdc(key);
        sources.put(name, fromMdc != null ? "mdc:" + key : "unset");
        return fromMdc;
    }
}
