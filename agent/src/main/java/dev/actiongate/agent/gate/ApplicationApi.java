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
    record Scope(
            String actor,
            String onBehalfOf,
            String tenant,
            String reason,
            String environment,
            ActionContext.Approval approval,
            Map<String, String> attributes) {

        static Scope of(ActionContext context) {
            return new Scope(
                    context.actor(),
                    context.onBehalfOf(),
                    context.tenant(),
                    context.reason(),
                    context.environment(),
                    context.approval(),
                    context.attributes());
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

    /**
     * Each class is resolved on its own, through {@code loader}, as the governed method's code
     * resolves it: a loader can hold its own {@code ActionDeniedException} and resolve
     * {@code ActionContext} to the shared copy, or the other way round. Resolving a class here also
     * fixes which copy that loader resolves from now on, so the application's {@code catch} gets
     * the same one.
     */
    static ApplicationApi of(ClassLoader loader) {
        Class<?> context = resolve(ActionContext.class, loader);
        Class<?> denied = resolve(ActionDeniedException.class, loader);
        Class<?> pending = resolve(ApprovalPendingException.class, loader);
        if (context == ActionContext.class
                && denied == ActionDeniedException.class
                && (pending == ApprovalPendingException.class || pending == null)) {
            return SHARED;
        }
        try {
            return new OwnCopy(context, denied, pending);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // A copy this agent cannot read: deciding with the shared copy's context, which the
            // application never sets, would decide on an empty actor and tenant. Deny instead.
            return new Unreadable("the application's own copy of the ActionGate API in " + loader + " cannot be read ("
                    + e + "); calls are denied rather than decided without their context");
        }
    }

    /** An application copy of the API the agent cannot read: every call is denied, saying why. */
    private static final class Unreadable extends ApplicationApi {
        private final String problem;

        Unreadable(String problem) {
            this.problem = problem;
        }

        @Override
        Scope scope() {
            throw new IllegalStateException(problem);
        }

        @Override
        RuntimeException translate(ActionDeniedException denied) {
            return denied;
        }
    }

    /** {@code type}'s namesake as {@code loader} resolves it, or {@code null} when it has none. */
    private static Class<?> resolve(Class<?> type, ClassLoader loader) {
        try {
            return Class.forName(type.getName(), false, loader);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** The application's own copy of the API, or part of it, reached by reflection. */
    private static final class OwnCopy extends ApplicationApi {
        private final Method current;
        private final Method actor;
        private final Method onBehalfOf;
        private final Method tenant;
        private final Method reason;
        private final Method environment;
        private final Method approval;
        private final Method attributes;
        /** {@code null} when the loader resolves the shared exception. */
        private final Constructor<?> denied;
        /** {@code null} when a pending approval is thrown as {@link #denied} instead. */
        private final Constructor<?> pending;

        private final boolean sharedPending;

        OwnCopy(Class<?> context, Class<?> deniedType, Class<?> pendingType) throws ReflectiveOperationException {
            boolean ownContext = context != null && context != ActionContext.class;
            current = ownContext ? context.getMethod("current") : null;
            actor = ownContext ? context.getMethod("actor") : null;
            onBehalfOf = ownContext ? context.getMethod("onBehalfOf") : null;
            tenant = ownContext ? context.getMethod("tenant") : null;
            reason = ownContext ? context.getMethod("reason") : null;
            environment = ownContext ? context.getMethod("environment") : null;
            attributes = ownContext ? context.getMethod("attributes") : null;
            approval = ownContext ? optionalMethod(context, "approval") : null;
            Class<?> deniedResolved = deniedType == null ? ActionDeniedException.class : deniedType;
            denied = deniedResolved == ActionDeniedException.class
                    ? null
                    : deniedResolved.getConstructor(String.class, String.class, String.class, String.class, List.class);
            // A pending approval the loader's catch of its ActionDeniedException would miss is thrown as a plain
            // denial of that copy, whose verdict says approval_pending.
            boolean catchable = pendingType != null && deniedResolved.isAssignableFrom(pendingType);
            sharedPending = catchable && pendingType == ApprovalPendingException.class;
            pending = catchable && !sharedPending
                    ? pendingType.getConstructor(String.class, String.class, String.class, List.class)
                    : null;
            if (ownContext) {
                copyDefaultEnvironment(context);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        Scope scope() {
            if (current == null) {
                return SHARED.scope();
            }
            try {
                Object scope = current.invoke(null);
                Object chosen = approval == null ? null : approval.invoke(scope);
                return new Scope(
                        (String) actor.invoke(scope),
                        (String) onBehalfOf.invoke(scope),
                        (String) tenant.invoke(scope),
                        (String) reason.invoke(scope),
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
                if (original instanceof ApprovalPendingException) {
                    if (sharedPending) {
                        return original;
                    }
                    if (pending != null) {
                        return trace(
                                (RuntimeException) pending.newInstance(
                                        original.decisionId(),
                                        original.action(),
                                        original.reason(),
                                        original.matchedRules()),
                                original);
                    }
                }
                if (denied == null) {
                    return original instanceof ApprovalPendingException
                            ? trace(
                                    new ActionDeniedException(
                                            original.decisionId(),
                                            original.action(),
                                            original.verdict(),
                                            original.reason(),
                                            original.matchedRules()),
                                    original)
                            : original;
                }
                return trace(
                        (RuntimeException) denied.newInstance(
                                original.decisionId(),
                                original.action(),
                                original.verdict(),
                                original.reason(),
                                original.matchedRules()),
                        original);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // Still a denial, if one the application may not catch by type.
                return original;
            }
        }

        private static RuntimeException trace(RuntimeException own, RuntimeException original) {
            own.setStackTrace(original.getStackTrace());
            return own;
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
