package dev.actiongate.agent.policy;

import java.util.List;

/**
 * One {@code govern:} entry of a policy: a method, or every method carrying an annotation, that
 * the agent governs although its code has no {@code @GovernedAction}.
 *
 * @param text           the entry as written ({@code com.acme.Mailer#send} or {@code @dev.x.Tool}),
 *                       for logs and status
 * @param className      the type that declares the method, for a method entry; else {@code null}
 * @param methodName     the method's name, for a method entry; else {@code null}
 * @param parameterTypes the parameter type names, or {@code null} for every overload
 * @param annotation     the annotation type's name, for an annotation entry; else {@code null}
 * @param action         the action name, or {@code null} when it comes from the method or annotation
 * @param actionFrom     how the action name is found when {@code action} is {@code null}
 * @param line           where the entry is in the policy file
 */
public record GovernEntry(
        String text,
        String className,
        String methodName,
        List<String> parameterTypes,
        String annotation,
        String action,
        ActionFrom actionFrom,
        int line) {

    /** Where an entry without a fixed {@code action} takes the action name from. */
    public enum ActionFrom {
        /** The annotation's {@code name()} when set, else the method's name. */
        NAME_OR_METHOD,
        /** The method's name. */
        METHOD
    }

    public GovernEntry {
        parameterTypes = parameterTypes == null ? null : List.copyOf(parameterTypes);
    }

    public boolean isMethodEntry() {
        return className != null;
    }
}
