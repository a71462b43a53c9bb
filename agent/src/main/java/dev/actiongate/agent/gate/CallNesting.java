package dev.actiongate.agent.gate;

/**
 * Which governed call each thread is inside, so that a call a proxy forwards is not decided a
 * second time.
 *
 * <p>A Spring CGLIB proxy, a JDK proxy whose handler calls its target, a Hibernate or Mockito
 * subclass: each overrides the governed method and is governed itself, so one call of the
 * application enters two governed methods, the proxy's and then the target's. The second is the
 * forwarded twin of the first when it is entered directly inside it (no other governed call
 * between them) on the same thread, under the same action and method name, with the same
 * arguments (the same objects; boxed primitives by value, since reflection boxes them anew)
 * and the same {@code ActionContext} scope values. A twin joins the running call: its body runs
 * under the first call's decision and outcome record, with none of its own.
 *
 * <p>Only a generated class's call is joined: an allowed hand-written implementation that calls
 * another implementation with the same arguments must not lend it its decision.
 *
 * <p>A proxy that does the work itself has no twin and is decided like any method. A proxy
 * that changes the arguments, or runs the target on another thread ({@code @Async}), makes the
 * target's call a call of its own, decided again.
 */
final class CallNesting {

    /** A thread's innermost governed call whose body is running; allocated once per thread. */
    static final class Slot {
        private Invocation innermost;

        /** Whether a call of {@code method} with {@code arguments} is the twin of the innermost running call. */
        boolean joins(GovernedMethod method, Object[] arguments) {
            Invocation outer = innermost;
            // Only a generated class (a proxy) forwards: a hand-written class calling another
            // implementation with the same arguments makes a call of its own, decided again.
            return outer != null
                    && outer.method().generated()
                    && outer.method().action().equals(method.action())
                    && outer.method()
                            .methodVariable()
                            .get("name")
                            .equals(method.methodVariable().get("name"))
                    && sameArguments(outer.arguments(), arguments)
                    && outer.scope().equals(method.api().scope());
        }

        /**
         * Whether the innermost running call is of a method named {@code name} with
         * {@code arguments} ({@code null}, as a JDK proxy passes for none, is no arguments).
         */
        boolean inside(String name, Object[] arguments) {
            Invocation outer = innermost;
            return outer != null
                    && outer.method().methodVariable().get("name").equals(name)
                    && sameArguments(outer.arguments(), arguments == null ? NO_ARGUMENTS : arguments);
        }

        /** Marks {@code call} as this thread's innermost; its body is about to run. */
        Invocation started(Invocation call) {
            innermost = call;
            return call;
        }

        /** Its body ended: the call it was nested in is the innermost again. */
        @SuppressWarnings("ReferenceEquality") // this very invocation, not an equal one
        void finished(Invocation call) {
            if (innermost == call) {
                innermost = call.outer();
            }
        }

        Invocation innermost() {
            return innermost;
        }
    }

    private static final Object[] NO_ARGUMENTS = {};

    private final ThreadLocal<Slot> slots = ThreadLocal.withInitial(Slot::new);

    /** The calling thread's slot. */
    Slot slot() {
        return slots.get();
    }

    private static boolean sameArguments(Object[] outer, Object[] inner) {
        if (outer == null || inner == null || outer.length != inner.length) {
            return false;
        }
        for (int i = 0; i < outer.length; i++) {
            Object a = outer[i];
            Object b = inner[i];
            if (a != b && !(isBoxedPrimitive(a) && a.equals(b))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBoxedPrimitive(Object value) {
        return value instanceof Integer
                || value instanceof Long
                || value instanceof Boolean
                || value instanceof Character
                || value instanceof Byte
                || value instanceof Short
                || value instanceof Double
                || value instanceof Float;
    }
}
