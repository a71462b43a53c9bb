package dev.actiongate.agent.gate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.ActionContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallNestingTest {

    private final MethodRegistry registry = new MethodRegistry();
    private final ClassLoader loader = getClass().getClassLoader();
    private final GovernedMethod proxy = registry.get(registry.register(
            "pay",
            "annotation",
            null,
            "com.example.Payments",
            "pay",
            List.of("java.lang.String", "long"),
            List.of("account", "cents"),
            true,
            true,
            loader));
    private final GovernedMethod target = method("pay", "com.example.Payments", "pay");
    private final CallNesting.Slot slot = new CallNesting().slot();

    @Test
    void aCallForwardedWithTheSameArgumentsJoinsTheRunningCall() {
        String account = "acme";
        Invocation outer = start(proxy, account, 5000L);
        // reflection boxes a primitive anew: a boxed value is the same argument by value
        assertTrue(slot.joins(target, new Object[] {account, Long.valueOf(5000L)}));
        slot.finished(outer);
        assertFalse(slot.joins(target, new Object[] {account, 5000L}), "no call is running any more");
    }

    @Test
    void otherArgumentsAnotherActionOrAnotherMethodAreCallsOfTheirOwn() {
        String account = "acme";
        start(proxy, account, 5000L);
        assertFalse(slot.joins(target, new Object[] {new String("acme"), 5000L}), "an equal but other object");
        assertFalse(slot.joins(target, new Object[] {account, 10000L}), "another amount");
        assertFalse(slot.joins(target, new Object[] {account}), "other arguments");
        assertFalse(
                slot.joins(method("refund", "com.example.Payments", "pay"), new Object[] {account, 5000L}),
                "another action");
        assertFalse(
                slot.joins(method("pay", "com.example.Payments", "payLater"), new Object[] {account, 5000L}),
                "another method");
    }

    @Test
    void aHandWrittenImplementationCallingAnotherIsNotJoined() {
        String account = "acme";
        GovernedMethod safe = method("pay", "com.example.SafePayments", "pay");
        start(safe, account, 5000L);
        assertFalse(
                slot.joins(target, new Object[] {account, 5000L}),
                "only a generated class forwards; another implementation is decided on its own");
    }

    @Test
    void onlyTheInnermostRunningCallIsJoined() {
        String account = "acme";
        Invocation outer = start(proxy, account, 5000L);
        GovernedMethod audit = method("audit", "com.example.Audit", "write");
        Invocation between = start(audit, account);
        assertFalse(slot.joins(target, new Object[] {account, 5000L}), "not directly nested");
        slot.finished(between);
        assertSame(outer, slot.innermost());
        assertTrue(slot.joins(target, new Object[] {account, 5000L}));
    }

    @Test
    @SuppressWarnings("try")
    void aCallUnderAnotherScopeIsDecidedAgain() {
        String account = "acme";
        start(proxy, account, 5000L);
        try (ActionContext.Scope other =
                ActionContext.builder().actor("someone-else").open()) {
            assertFalse(slot.joins(target, new Object[] {account, 5000L}));
        }
        assertTrue(slot.joins(target, new Object[] {account, 5000L}));
    }

    private Invocation start(GovernedMethod method, Object... arguments) {
        return slot.started(new Invocation(
                "d-" + method.id(), method, 0, arguments, method.api().scope(), slot, slot.innermost()));
    }

    private GovernedMethod method(String action, String className, String name) {
        return registry.get(registry.register(
                action,
                "annotation",
                null,
                className,
                name,
                List.of("java.lang.String", "long"),
                List.of("account", "cents"),
                true,
                false,
                loader));
    }
}
