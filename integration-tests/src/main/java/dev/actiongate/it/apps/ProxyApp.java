package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.actiongate.GovernedAction;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.SuperMethodCall;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * A governed method reached through the proxies frameworks generate: JDK proxies whose handler
 * forwards to a governed target, does the work itself, or forwards with other arguments; a JDK
 * proxy of a package-private interface; and a Byte Buddy subclass calling its super method.
 * {@code ProxyApp KIND:ACCOUNT:CENTS...} with KIND one of {@code forwarding}, {@code self},
 * {@code rewriting}, {@code hidden}, {@code subclass}.
 */
public final class ProxyApp {

    private ProxyApp() {}

    public interface Payments {
        @GovernedAction("pay")
        String pay(String account, long cents);
    }

    /** Package-private: the JDK defines its proxy in this package, not in one of its own. */
    interface HiddenPayments {
        @GovernedAction("pay")
        String pay(String account, long cents);
    }

    public static class RealPayments implements Payments, HiddenPayments {
        @Override
        public String pay(String account, long cents) {
            Probe.body("pay " + account + " " + cents);
            return "paid";
        }
    }

    @SuppressWarnings("try")
    public static void main(String[] args) throws Exception {
        RealPayments target = new RealPayments();
        ClassLoader loader = ProxyApp.class.getClassLoader();
        Payments forwarding =
                (Payments) Proxy.newProxyInstance(loader, new Class<?>[] {Payments.class}, forwardTo(target, false));
        Payments rewriting =
                (Payments) Proxy.newProxyInstance(loader, new Class<?>[] {Payments.class}, forwardTo(target, true));
        // What Spring Data or an HTTP client proxy does: no target, the handler is the implementation.
        Payments self = (Payments)
                Proxy.newProxyInstance(loader, new Class<?>[] {Payments.class}, (proxy, method, arguments) -> {
                    Probe.body("self " + arguments[0] + " " + arguments[1]);
                    return "paid by the handler";
                });
        HiddenPayments hidden = (HiddenPayments)
                Proxy.newProxyInstance(loader, new Class<?>[] {HiddenPayments.class}, forwardTo(target, false));
        Payments subclass = new ByteBuddy()
                .subclass(RealPayments.class)
                .method(ElementMatchers.named("pay"))
                .intercept(SuperMethodCall.INSTANCE)
                .make()
                .load(
                        loader,
                        ClassLoadingStrategy.UsingLookup.of(
                                MethodHandles.privateLookupIn(RealPayments.class, MethodHandles.lookup())))
                .getLoaded()
                .getDeclaredConstructor()
                .newInstance();
        Probe.fact("class.forwarding", forwarding.getClass().getName());
        Probe.fact("module.forwarding", forwarding.getClass().getModule().getName());
        Probe.fact("class.hidden", hidden.getClass().getName());
        Probe.fact("class.subclass", subclass.getClass().getName());

        try (ActionContext.Scope scope =
                ActionContext.builder().actor("proxy-app").open()) {
            for (String call : args) {
                String[] parts = call.split(":");
                String account = parts[1];
                long cents = Long.parseLong(parts[2]);
                Probe.attempt(call, () -> {
                    switch (parts[0]) {
                        case "forwarding" -> forwarding.pay(account, cents);
                        case "rewriting" -> rewriting.pay(account, cents);
                        case "self" -> self.pay(account, cents);
                        case "hidden" -> hidden.pay(account, cents);
                        case "subclass" -> subclass.pay(account, cents);
                        default -> throw new IllegalArgumentException("unknown kind " + parts[0]);
                    }
                });
            }
        }
    }

    /** A handler that calls {@code target}, with the same arguments or with the amount doubled. */
    private static InvocationHandler forwardTo(Object target, boolean rewrite) {
        return (proxy, method, arguments) -> {
            Object[] forwarded = arguments;
            if (rewrite) {
                forwarded = new Object[] {arguments[0], (Long) arguments[1] * 2};
            }
            try {
                return method.invoke(target, forwarded);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
    }
}
