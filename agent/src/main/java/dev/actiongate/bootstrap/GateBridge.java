package dev.actiongate.bootstrap;

import dev.actiongate.ActionDeniedException;
import java.util.List;

/**
 * The one entry point the advice inlined into governed methods calls. It lives on the bootstrap
 * class path so that every class loader sees the same class; the decision logic behind it lives
 * in the agent's isolated class loader and is plugged in through {@link #install(Dispatcher)}.
 */
public final class GateBridge {

    /** What the agent plugs in: decides a call before its body and records its outcome after. */
    public interface Dispatcher {

        /**
         * Decides the call of governed method {@code methodId} with {@code arguments}.
         *
         * @return a token handed back to {@link #exit} once the body finished, or {@code null}
         * @throws ActionDeniedException when the body must not run
         */
        Object enter(int methodId, Object[] arguments);

        /** Records how the body ended; never throws. */
        void exit(Object token, Throwable thrown);
    }

    private static volatile Dispatcher dispatcher;

    private GateBridge() {
    }

    /** Plugs in the agent's dispatcher; called once when the agent starts. */
    public static void install(Dispatcher installed) {
        dispatcher = installed;
    }

    public static Object enter(int methodId, Object[] arguments) {
        Dispatcher current = dispatcher;
        if (current == null) {
            // Instrumented code without a gate behind it: fail closed.
            throw new ActionDeniedException(null, "unknown", "deny",
                    "ActionGate is not initialised in this JVM", List.of());
        }
        return current.enter(methodId, arguments);
    }

    public static void exit(Object token, Throwable thrown) {
        Dispatcher current = dispatcher;
        if (token != null && current != null) {
            current.exit(token, thrown);
        }
    }
}
