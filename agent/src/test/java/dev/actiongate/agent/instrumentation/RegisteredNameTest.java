package dev.actiongate.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Proxy;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.SuperMethodCall;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;

class RegisteredNameTest {

    public interface Sender<T> {
        void send(T message, String to);
    }

    public static class MailSender implements Sender<String> {
        @Override
        public void send(String message, String recipient) {}
    }

    @Test
    void aJdkProxyIsNamedAfterTheInterfaceMethodItImplements() {
        Object proxy = Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Sender.class}, (self, method, arguments) -> null);
        RegisteredName name = nameOf(proxy.getClass());
        assertEquals(
                new RegisteredName(
                        Sender.class.getName(),
                        List.of("java.lang.Object", "java.lang.String"),
                        List.of("message", "to"),
                        true),
                name);
    }

    @Test
    void aGeneratedSubclassIsNamedAfterTheMethodItOverrides() throws Exception {
        Class<?> subclass = new ByteBuddy()
                .subclass(MailSender.class)
                .method(ElementMatchers.named("send"))
                .intercept(SuperMethodCall.INSTANCE)
                .make()
                .load(
                        MailSender.class.getClassLoader(),
                        ClassLoadingStrategy.UsingLookup.of(
                                MethodHandles.privateLookupIn(MailSender.class, MethodHandles.lookup())))
                .getLoaded();
        assertEquals(
                new RegisteredName(
                        MailSender.class.getName(),
                        List.of("java.lang.String", "java.lang.String"),
                        List.of("message", "recipient"),
                        true),
                nameOf(subclass));
    }

    @Test
    void anApplicationClassKeepsItsOwnNames() {
        assertEquals(
                new RegisteredName(
                        MailSender.class.getName(),
                        List.of("java.lang.String", "java.lang.String"),
                        List.of("message", "recipient"),
                        false),
                nameOf(MailSender.class));
    }

    private static RegisteredName nameOf(Class<?> type) {
        TypeDescription description = TypeDescription.ForLoadedType.of(type);
        MethodDescription send = description
                .getDeclaredMethods()
                .filter(ElementMatchers.named("send").and(ElementMatchers.not(ElementMatchers.isBridge())))
                .getOnly();
        return RegisteredName.of(description, send);
    }
}
