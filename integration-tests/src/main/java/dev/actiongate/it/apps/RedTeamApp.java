package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.actiongate.GovernedAction;
import dev.actiongate.it.apps.ShapesApp.Notifier;
import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Routes around the gate through the shapes an implementation of an annotated interface can
 * take, tried as an attacker or an unlucky library would: each call is made with user
 * {@code eve}, which the test's policy never allows, so any {@code BODY} line is a bypass.
 * {@code RedTeamApp MODE} runs one attempt, so that one that breaks the JVM spoils no other.
 */
public final class RedTeamApp {

    private RedTeamApp() {}

    /** Knows nothing of {@link Notifier}; generic, so the implementing class gets a bridge method. */
    public static class GenericSender<T> {
        public String notify(T user, String text) {
            return Probe.sent("generic superclass " + user);
        }
    }

    public static final class GenericInheriting extends GenericSender<String> implements Notifier {}

    /** Knows nothing of {@link Notifier}; its method cannot be overridden. */
    public static class FinalSender {
        public final String notify(String user, String text) {
            return Probe.sent("final superclass " + user);
        }
    }

    public static final class FinalInheriting extends FinalSender implements Notifier {}

    public interface Handler<T> {
        @GovernedAction("handle_item")
        String handle(T item);
    }

    /** Re-declares the generic method: javac creates its lambdas with {@code altMetafactory} and bridges. */
    public interface StringHandler extends Handler<String> {
        @Override
        String handle(String item);
    }

    /** A marker: a lambda cast to {@code Notifier & Marker} is made by {@code altMetafactory}. */
    public interface Marker {}

    /** The one implementation the join test's policy allows; it hands the call to another one. */
    public static final class SafeNotifier implements Notifier {
        @Override
        public String notify(String user, String text) {
            Probe.body("safe " + user);
            return new DangerNotifier().notify(user, text);
        }
    }

    /** Never allowed by the join test's policy. */
    public static final class DangerNotifier implements Notifier {
        @Override
        public String notify(String user, String text) {
            return Probe.sent("danger " + user);
        }
    }

    static String direct(String user, String text) {
        return Probe.sent("metafactory " + user);
    }

    @SuppressWarnings("try")
    public static void main(String[] args) throws Throwable {
        try (ActionContext.Scope scope =
                ActionContext.builder().actor("red-team").open()) {
            switch (args[0]) {
                case "handler" -> handler();
                case "escalation" -> escalation();
                case "generic-superclass" ->
                    Probe.attempt("generic superclass", () -> ((Notifier) new GenericInheriting()).notify("eve", "hi"));
                case "final-superclass" -> finalSuperclass();
                case "bridged-lambda" -> bridgedLambda();
                case "marker-lambda" -> markerLambda();
                case "metafactory" -> metafactory();
                case "join" -> Probe.attempt("join", () -> new SafeNotifier().notify("eve", "hi"));
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
        Probe.fact("done", true);
    }

    /** Calls the lambda behind a governed proxy through the proxy's handler, not its governed method. */
    private static void handler() {
        Notifier lambda = (user, text) -> Probe.sent("handler " + user);
        Probe.attempt("handler", () -> {
            InvocationHandler handler = Proxy.getInvocationHandler(lambda);
            try {
                handler.invoke(lambda, Notifier.class.getMethod("notify", String.class, String.class), new Object[] {
                    "eve", "hi"
                });
            } catch (Exception e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Uses the handler of a governed lambda's proxy, a class of {@code java.base}, to call a method
     * of {@code java.base} the application may not call, opening {@code java.lang} to itself; then
     * takes the dispatcher out from behind the bridge.
     */
    private static void escalation() {
        Notifier lambda = (user, text) -> "sent";
        Module self = RedTeamApp.class.getModule();
        try {
            Method addOpens = Class.forName("jdk.internal.module.Modules")
                    .getMethod("addOpens", Module.class, String.class, Module.class);
            Proxy.getInvocationHandler(lambda)
                    .invoke(lambda, addOpens, new Object[] {Object.class.getModule(), "java.lang", self});
        } catch (Throwable e) {
            Probe.fact("escalation", e.getClass().getSimpleName());
        }
        Probe.fact("java.lang opened", Object.class.getModule().isOpen("java.lang", self));
        try {
            Class<?> bridge = Class.forName("java.lang.ActionGateBridge");
            var detached = bridge.getDeclaredField("detached");
            detached.setAccessible(true);
            detached.setBoolean(null, true);
            var dispatcher = bridge.getDeclaredField("dispatcher");
            dispatcher.setAccessible(true);
            dispatcher.set(null, null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Probe.fact("detach", e.getClass().getSimpleName());
        }
        Probe.attempt("greet after escalation", () -> new BasicApp.Greeter().greet("eve"));
    }

    private static void finalSuperclass() {
        try {
            Notifier notifier = new FinalInheriting();
            Probe.attempt("final superclass", () -> notifier.notify("eve", "hi"));
        } catch (LinkageError e) {
            Probe.fact("final superclass error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void bridgedLambda() {
        StringHandler handler = item -> {
            Probe.body("bridged lambda " + item);
            return "handled";
        };
        Probe.attempt("bridged lambda", () -> handler.handle("eve"));
        Handler<String> generic = handler;
        Probe.attempt("bridged lambda erased", () -> generic.handle("eve"));
    }

    private static void markerLambda() {
        Notifier notifier = (Notifier & Marker) (user, text) -> Probe.sent("marker lambda " + user);
        Probe.attempt("marker lambda", () -> notifier.notify("eve", "hi"));
        Probe.fact("marker lambda is a Marker", notifier instanceof Marker);
    }

    /** A library that builds its implementations with the metafactory itself, as fast accessors do. */
    private static void metafactory() throws Throwable {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodType signature = MethodType.methodType(String.class, String.class, String.class);
        MethodHandle implementation = lookup.findStatic(RedTeamApp.class, "direct", signature);
        CallSite site = LambdaMetafactory.metafactory(
                lookup, "notify", MethodType.methodType(Notifier.class), signature, implementation, signature);
        Notifier notifier = (Notifier) site.getTarget().invoke();
        Probe.attempt("metafactory", () -> notifier.notify("eve", "hi"));
    }
}
