package dev.actiongate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Who acts, for the current thread: the actor that triggers a governed call (an AI agent or a
 * person), the person it acts on behalf of, the tenant, the caller's reason and the environment.
 *
 * <pre>{@code
 * try (ActionContext.Scope scope = ActionContext.builder()
 *         .actor("support-agent-7").onBehalfOf("user-42")
 *         .tenant("acme").reason("ticket 4711")
 *         .attribute("channel", "chat")
 *         .open()) {
 *     mailer.send(...);
 * }
 * }</pre>
 *
 * <p>Scopes nest: values set by an inner scope override the outer ones until the inner scope is
 * closed. A context is immutable; {@link #wrap(Runnable)} and {@link #wrap(Callable)} carry the
 * context in force to another thread. Unset fields are {@code null}; {@link #environment()} falls
 * back to the environment the agent is configured with.
 */
public final class ActionContext {

    private static final ActionContext EMPTY = new ActionContext(null, null, null, null, null, null, Map.of());
    private static final ThreadLocal<ActionContext> CURRENT = new ThreadLocal<>();

    /** Set by the agent at start-up; read when no scope names an environment. */
    private static volatile String defaultEnvironment;

    private final String actor;
    private final String onBehalfOf;
    private final String tenant;
    private final String reason;
    private final String environment;
    private final Approval approval;
    private final Map<String, String> attributes;

    /**
     * What a call that needs approval does while no reviewer has decided. A rule may choose too;
     * the context's choice, when set, wins, because only the caller knows whether it can hold
     * its thread.
     */
    public enum Approval {
        /** The calling thread waits for a reviewer, up to the rule's approval timeout. */
        WAIT,
        /**
         * The call throws {@link ApprovalPendingException} at once; the same call made again
         * after a reviewer approved it runs once.
         */
        FAIL_FAST
    }

    private ActionContext(
            String actor,
            String onBehalfOf,
            String tenant,
            String reason,
            String environment,
            Approval approval,
            Map<String, String> attributes) {
        this.actor = actor;
        this.onBehalfOf = onBehalfOf;
        this.tenant = tenant;
        this.reason = reason;
        this.environment = environment;
        this.approval = approval;
        this.attributes = attributes;
    }

    /** The context in force on this thread; never {@code null}, empty when no scope is open. */
    public static ActionContext current() {
        ActionContext context = CURRENT.get();
        return context == null ? EMPTY : context;
    }

    /** Starts a scope description; {@link Builder#open()} puts it in force. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a task that runs {@code task} with the context in force now, on whatever thread. */
    public static Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        ActionContext captured = CURRENT.get();
        return () -> {
            ActionContext previous = CURRENT.get();
            CURRENT.set(captured);
            try {
                task.run();
            } finally {
                restore(previous);
            }
        };
    }

    /** Returns a task that calls {@code task} with the context in force now, on whatever thread. */
    public static <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        ActionContext captured = CURRENT.get();
        return () -> {
            ActionContext previous = CURRENT.get();
            CURRENT.set(captured);
            try {
                return task.call();
            } finally {
                restore(previous);
            }
        };
    }

    private static void restore(ActionContext previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    /** Who triggers the call: an AI agent or a person; {@code null} when unset. */
    public String actor() {
        return actor;
    }

    /** The person the actor acts for; {@code null} when unset. */
    public String onBehalfOf() {
        return onBehalfOf;
    }

    /** The tenant the call is made for; {@code null} when unset. */
    public String tenant() {
        return tenant;
    }

    /** Why the caller makes the call, for example a ticket; {@code null} when unset. */
    public String reason() {
        return reason;
    }

    /** The environment named by a scope, else the agent's configured one, else {@code null}. */
    public String environment() {
        return environment != null ? environment : defaultEnvironment;
    }

    /** How a call needing approval behaves under this context; {@code null} when the rule decides. */
    public Approval approval() {
        return approval;
    }

    /** Free-form attributes, exposed to policies as {@code ctx.attributes}; never {@code null}. */
    public Map<String, String> attributes() {
        return attributes;
    }

    @Override
    public String toString() {
        return "ActionContext[actor=" + actor + ", onBehalfOf=" + onBehalfOf + ", tenant=" + tenant
                + ", reason=" + reason + ", environment=" + environment() + ", approval=" + approval
                + ", attributes=" + attributes + "]";
    }

    /** Describes a scope: every value left unset is inherited from the enclosing scope. */
    public static final class Builder {
        private String actor;
        private String onBehalfOf;
        private String tenant;
        private String reason;
        private String environment;
        private Approval approval;
        private final Map<String, String> attributes = new LinkedHashMap<>();

        private Builder() {}

        public Builder actor(String actor) {
            this.actor = actor;
            return this;
        }

        public Builder onBehalfOf(String onBehalfOf) {
            this.onBehalfOf = onBehalfOf;
            return this;
        }

        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder environment(String environment) {
            this.environment = environment;
            return this;
        }

        /** {@link Approval#FAIL_FAST} for callers that must not hold their thread for a reviewer. */
        public Builder approval(Approval approval) {
            this.approval = approval;
            return this;
        }

        public Builder attribute(String key, String value) {
            attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Puts this scope in force on the current thread until the returned scope is closed. */
        public Scope open() {
            ActionGate.scopeOpened();
            ActionContext previous = CURRENT.get();
            ActionContext outer = previous == null ? EMPTY : previous;
            Map<String, String> merged = outer.attributes;
            if (!attributes.isEmpty()) {
                Map<String, String> copy = new LinkedHashMap<>(outer.attributes);
                copy.putAll(attributes);
                merged = Collections.unmodifiableMap(copy);
            }
            CURRENT.set(new ActionContext(
                    actor != null ? actor : outer.actor,
                    onBehalfOf != null ? onBehalfOf : outer.onBehalfOf,
                    tenant != null ? tenant : outer.tenant,
                    reason != null ? reason : outer.reason,
                    environment != null ? environment : outer.environment,
                    approval != null ? approval : outer.approval,
                    merged));
            return new Scope(previous);
        }
    }

    /** An open scope; closing it restores the context that was in force when it was opened. */
    public static final class Scope implements AutoCloseable {
        private final ActionContext previous;
        private boolean closed;

        private Scope(ActionContext previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                restore(previous);
            }
        }
    }
}
