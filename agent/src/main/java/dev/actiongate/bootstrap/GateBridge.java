package dev.actiongate.bootstrap;

import dev.actiongate.ActionDeniedException;
import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.LambdaConversionException;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * The one entry point the advice inlined into governed methods calls.
 *
 * <p>The agent jar does not ship this class under this name: the build relocates it to
 * {@code java.lang.ActionGateBridge}, and the agent defines it in {@code java.base} at start-up
 * (see {@code dev.actiongate.agent.BridgeInstaller}). No application class loader may define a
 * class in a {@code java.} package, and the boot loader never looks for one on
 * {@code -Xbootclasspath/a}, so an application cannot shadow the bridge with a copy of its own (a
 * child-first loader, a jar on the boot class path, a hidden class) that lets governed bodies run
 * undecided. Under its source name, in unit tests, it is an ordinary class.
 *
 * <p>Installing a dispatcher is not public: only a caller holding a lookup with private access
 * to this class (the agent, to whose loader {@code java.lang} is opened) can, and only once: a
 * second install while one is in force is refused and reported to the one in force.
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

        /** Told of an attempt to install another dispatcher while this one is in force; never throws. */
        void refusedInstall(String attempt);

        /**
         * Whether this thread is inside the running body of a governed call of a method named
         * {@code methodName} with {@code arguments} (or governing is switched off): a governed
         * lambda's proxy asks before it runs the lambda, so that its handler, which application
         * code can reach through {@link Proxy#getInvocationHandler}, runs nothing undecided.
         * Reports a refusal itself; never throws.
         */
        boolean runsDecided(String methodName, Object[] arguments);
    }

    private static volatile Dispatcher dispatcher;
    /** Set when the agent was detached on purpose: calls still inside old advice run their body. */
    private static volatile boolean detached;

    private GateBridge() {}

    /**
     * Plugs in the agent's dispatcher when none is in force.
     *
     * @return {@code false} when another dispatcher is in force; it was told of the attempt
     */
    @SuppressWarnings("UnusedMethod") // called by the agent through reflection, from its own class loader
    private static synchronized boolean install(Dispatcher installed) {
        Dispatcher current = dispatcher;
        if (current != null && current != installed) {
            try {
                current.refusedInstall(String.valueOf(
                        installed == null ? null : installed.getClass().getName()));
            } catch (RuntimeException ignored) {
                // the refusal stands whatever the report does
            }
            return false;
        }
        dispatcher = installed;
        detached = false;
        return true;
    }

    /**
     * Takes out {@code installed} on detach, so that a later attach can install again. Calls that
     * still run advice the detach has not yet removed run their body, as detaching promises.
     *
     * @return {@code false} when {@code installed} is not the dispatcher in force
     */
    @SuppressWarnings("UnusedMethod") // called by the agent through reflection, from its own class loader
    private static synchronized boolean uninstall(Dispatcher installed) {
        if (dispatcher != installed) {
            return false;
        }
        detached = true;
        dispatcher = null;
        return true;
    }

    public static Object enter(int methodId, Object[] arguments) {
        Dispatcher current = dispatcher;
        if (current == null) {
            if (detached) {
                return null;
            }
            // Instrumented code without a gate behind it: fail closed.
            throw new ActionDeniedException(
                    null, "unknown", "deny", "ActionGate is not initialised in this JVM", List.of());
        }
        return current.enter(methodId, arguments);
    }

    public static void exit(Object token, Throwable thrown) {
        Dispatcher current = dispatcher;
        if (token != null && current != null) {
            current.exit(token, thrown);
        }
    }

    /**
     * Bootstrap of a lambda or method reference whose interface has a governed method: the agent
     * rewrites such call sites from {@link LambdaMetafactory#metafactory} to this. The JVM's lambda
     * classes are hidden, so no agent can instrument them; the lambda is therefore handed out
     * wrapped in a {@link Proxy} of the interface, a class the agent does instrument, whose
     * governed method is decided before it calls the lambda.
     */
    public static CallSite governedLambda(
            MethodHandles.Lookup caller,
            String name,
            MethodType factoryType,
            MethodType interfaceMethodType,
            MethodHandle implementation,
            MethodType dynamicMethodType)
            throws LambdaConversionException, NoSuchMethodException, IllegalAccessException {
        CallSite lambdas = LambdaMetafactory.metafactory(
                caller, name, factoryType, interfaceMethodType, implementation, dynamicMethodType);
        Class<?> type = factoryType.returnType();
        MethodHandle wrap = MethodHandles.lookup()
                .findStatic(
                        GateBridge.class, "proxied", MethodType.methodType(Object.class, Class.class, Object.class));
        MethodHandle wrapAsType =
                MethodHandles.insertArguments(wrap, 0, type).asType(MethodType.methodType(type, type));
        return new ConstantCallSite(MethodHandles.filterReturnValue(lambdas.getTarget(), wrapAsType));
    }

    /**
     * Bootstrap of a lambda the compiler makes with {@link LambdaMetafactory#altMetafactory} but
     * not serializable: one cast to the interface and marker interfaces, or one needing bridges.
     * Wrapped as {@link #governedLambda} does, in a proxy of the interface and the markers.
     */
    public static CallSite governedAltLambda(
            MethodHandles.Lookup caller, String name, MethodType factoryType, Object... arguments)
            throws LambdaConversionException, NoSuchMethodException, IllegalAccessException {
        CallSite lambdas = LambdaMetafactory.altMetafactory(caller, name, factoryType, arguments);
        Class<?> type = factoryType.returnType();
        List<Class<?>> interfaces = new java.util.ArrayList<>(List.of(type));
        int flags = (Integer) arguments[3];
        if ((flags & LambdaMetafactory.FLAG_MARKERS) != 0) {
            int markers = (Integer) arguments[4];
            for (int i = 0; i < markers; i++) {
                Class<?> marker = (Class<?>) arguments[5 + i];
                if (!interfaces.contains(marker)) {
                    interfaces.add(marker);
                }
            }
        }
        MethodHandle wrap = MethodHandles.lookup()
                .findStatic(
                        GateBridge.class,
                        "proxied",
                        MethodType.methodType(Object.class, ClassLoader.class, Class[].class, Object.class));
        ClassLoader loader = interfaces.size() == 1
                ? type.getClassLoader()
                : caller.lookupClass().getClassLoader();
        MethodHandle wrapAsType = MethodHandles.insertArguments(wrap, 0, loader, interfaces.toArray(new Class<?>[0]))
                .asType(MethodType.methodType(type, type));
        return new ConstantCallSite(MethodHandles.filterReturnValue(lambdas.getTarget(), wrapAsType));
    }

    @SuppressWarnings("UnusedMethod") // found by a method handle in governedLambda
    private static Object proxied(Class<?> type, Object lambda) {
        return proxied(type.getClassLoader(), new Class<?>[] {type}, lambda);
    }

    private static Object proxied(ClassLoader loader, Class<?>[] interfaces, Object lambda) {
        return Proxy.newProxyInstance(loader, interfaces, new Delegation(interfaces, lambda));
    }

    /**
     * Calls the lambda, and the interface's default methods on the proxy, as the lambda itself would.
     *
     * <p>Application code can get hold of this handler ({@link Proxy#getInvocationHandler}) and
     * call it directly, with any method: it is a class of {@code java.base}, so reflection it
     * does on a method of the caller's choosing would reach what the caller may not, and the
     * lambda would run without the proxy's governed method. It therefore calls only methods of
     * the lambda's interface, and runs the lambda only inside the body of the governed call of
     * its proxy.
     */
    private static final class Delegation implements InvocationHandler {
        private final Class<?>[] interfaces;
        private final Object lambda;

        Delegation(Class<?>[] interfaces, Object lambda) {
            this.interfaces = interfaces;
            this.lambda = lambda;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
            Class<?> declaring = method.getDeclaringClass();
            try {
                if (declaring == Object.class) {
                    if (method.getName().equals("equals")) {
                        return proxy == arguments[0] || lambda.equals(arguments[0]);
                    }
                    return method.invoke(lambda, arguments);
                }
                if (!declaring.isInterface() || !implemented(declaring) || Modifier.isStatic(method.getModifiers())) {
                    throw new IllegalArgumentException(method + " is not a method of " + interfaces[0].getName());
                }
                if (method.isDefault()) {
                    return InvocationHandler.invokeDefault(proxy, method, arguments);
                }
                refuseUndecided(method, arguments);
                method.setAccessible(true);
                return method.invoke(lambda, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private boolean implemented(Class<?> declaring) {
            for (Class<?> type : interfaces) {
                if (declaring.isAssignableFrom(type)) {
                    return true;
                }
            }
            return false;
        }

        private void refuseUndecided(Method method, Object[] arguments) {
            Dispatcher current = dispatcher;
            if (current == null ? detached : current.runsDecided(method.getName(), arguments)) {
                return;
            }
            throw new ActionDeniedException(
                    null,
                    "unknown",
                    "deny",
                    "a governed lambda of " + interfaces[0].getName()
                            + " was called through its proxy's handler, outside the governed call of "
                            + method.getName()
                            + ": refused",
                    List.of());
        }
    }
}
