package dev.actiongate.agent.gate;

import dev.actiongate.ActionContext;
import dev.actiongate.ActionDeniedException;
import dev.actiongate.ApprovalPendingException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

/**
 * The ActionGate API ({@code ActionContext}, {@code ActionDeniedException}) as the class loader
 * of a governed method sees it. Started with {@code -javaagent}, the agent puts the API on the
 * bootstrap class path before the application loads it, so there is one copy and this is a
 * pass-through. Attached to a running JVM, the application has usually loaded its own copy
 * already: the context must then be read from that copy, and a denial thrown as that copy's
 * exception, or the application's {@code catch} would miss it.
 */
abstract class ApplicationApi {

    /** The scope in force, whichever copy holds it. */
    record Scope(String actor, String onBehalfOf, String tenant, String reason, String environment,
                 ActionContext.Approval approval, Map<String, String> attributes) {

        static Scope of(ActionContext context) {
            return new Scope(context.actor(), context.onBehalfOf(), context.tenant(), context.reason(),
                    context.environment(), context.approval(), context.attributes());
        }
    }

    static final ApplicationApi SHARED = new ApplicationApi() {
        @Override
        Scope scope() {
            return Scope.of(ActionContext.current());
        }

        @Override
        RuntimeException translate(ActionDeniedException denied) {
            return denied;
        }
    };

    abstract Scope scope();

    /** {@code denied} as an exception the application's code can catch. */
    abstract RuntimeException translate(ActionDeniedException denied);

    static ApplicationApi of(ClassLoader loader) {
        try {
            Class<?> context = Class.forName(ActionContext.class.getName(), false, loader);
            if (context == ActionContext.class) {
                return SHARED;
            }
            return new OwnCopy(context, loader);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // The application does not use the API at all (or a copy too old to read): nothing of it can catch or scope.
            return SHARED;
        }
    }

    /** The application's own copy of the API, reached by reflection. */
    private static final class OwnCopy extends ApplicationApi {
        private final Method current;
        private final Method actor;
        private final Method onBehalfOf;
        private final Method tenant;
        private final Method reason;
        private final Method environment;
        private final Method approval;
        private final Method attributes;
        private final Constructor<?> denied;
        private final Constructor<?> pending;

        OwnCopy(Class<?> context, ClassLoader loader) throws ReflectiveOperationException {
            current = context.getMethod("current");
            actor = context.getMethod("actor");
            onBehalfOf = context.getMethod("onBehalfOf");
            tenant = context.getMethod("tenant");
            reason = context.getMethod("reason");
            environment = context.getMethod("environment");
            attributes = context.getMethod("attributes");
            approval = optionalMethod(context, "approval");
            denied = Class.forName(ActionDeniedException.class.getName(), false, loader)
                    .getConstructor(String.class, String.class, String.class, String.class, List.class);
            Constructor<?> pendingConstructor = null;
            try {
                pendingConstructor = Class.forName(ApprovalPendingException.class.getName(), false, loader)
                        .getConstructor(String.class, String.class, String.class, List.class);
            } catch (ClassNotFoundException olderCopy) {
                // an older API without it: a plain denial says approval_pending instead
            }
            pending = pendingConstructor;
            copyDefaultEnvironment(context);
        }

        @Override
        @SuppressWarnings("unchecked")
        Scope scope() {
            try {
                Object scope = current.invoke(null);
                Object chosen = approval == null ? null : approval.invoke(scope);
                return new Scope((String) actor.invoke(scope), (String) onBehalfOf.invoke(scope),
                        (String) tenant.invoke(scope), (String) reason.invoke(scope),
                        (String) environment.invoke(scope),
                        chosen == null ? null : ActionContext.Approval.valueOf(((Enum<?>) chosen).name()),
                        (Map<String, String>) attributes.invoke(scope));
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("cannot read the application's ActionContext: " + e, e);
            }
        }

        @Override
        RuntimeException translate(ActionDeniedException original) {
            try {
                RuntimeException own = original instanceof ApprovalPendingException && pending != null
                        ? (RuntimeException) pending.newInstance(original.decisionId(), original.action(),
                                original.reason(), original.matchedRules())
                        : (RuntimeException) denied.newInstance(original.decisionId(), original.action(),
                                original.verdict(), original.reason(), original.matchedRules());
                own.setStackTrace(original.getStackTrace());
                return own;
            } catch (ReflectiveOperationException | RuntimeException e) {
                // Still a denial, if one the application may not catch by type.
                return original;
            }
        }

        /** So that the application's own {@code ActionContext.environment()} falls back to the agent's environment too. */
        private static void copyDefaultEnvironment(Class<?> context) {
            try {
                Field ours = ActionContext.class.getDeclaredField("defaultEnvironment");
                ours.setAccessible(true);
                Field theirs = context.getDeclaredField("defaultEnvironment");
                theirs.setAccessible(true);
                if (theirs.get(null) == null) {
                    theirs.set(null, ours.get(null));
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // an older copy without the field: environment falls back in the gate instead
            }
        }

        private static Method optionalMethod(Class<?> type, String name) {
            try {
                return type.getMethod(name);
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
    }
}
