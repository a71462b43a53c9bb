package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.actiongate.ActionDeniedException;
import dev.actiongate.ApprovalPendingException;
import dev.actiongate.GovernedAction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An application that decides exactly which classes of its own copy of the ActionGate API it has
 * loaded, for an agent attached while it runs: the main class names none of them, so each step
 * loads only what it says. Runs under {@code -javaagent} as well. Steps, in order:
 * <ul>
 *   <li>{@code load:NAME}: loads {@code dev.actiongate.NAME} (for example {@code ActionContext});</li>
 *   <li>{@code call:LABEL[:scope][:fail_fast][:env=NAME]}: one governed call from a class loaded only now,
 *       inside {@code try ... catch (ActionDeniedException e)}, with a scope (actor {@code attach-bot})
 *       when asked;</li>
 *   <li>{@code child:LABEL[:...]}: the same call, from classes a child-first class loader defines from
 *       this application's class path;</li>
 *   <li>{@code gate:NAME} waits until the test sends {@code NAME}; {@code mark:NAME} prints {@code MARK NAME}.</li>
 * </ul>
 * A call prints {@code CAUGHT label<TAB>exception class<TAB>verdict<TAB>where the class came from<TAB>decision id},
 * {@code PENDING ...} likewise when it was an {@code ApprovalPendingException}, {@code ALLOWED label},
 * or {@code MISSED label<TAB>exception class<TAB>where it came from} when the application's catch missed it.
 */
public final class AttachCatchApp {

    private AttachCatchApp() {}

    public static final class Mailer {
        @GovernedAction("send_customer_email")
        public String send(String to, String subject) {
            System.out.println("BODY send " + to);
            return "sent";
        }
    }

    /** The application code that calls the governed method; loaded on its first call. */
    public static final class Caller {
        private Caller() {}

        @SuppressWarnings("try")
        public static void call(String label, String[] options) {
            boolean scoped = Arrays.asList(options).contains("scope");
            boolean failFast = Arrays.asList(options).contains("fail_fast");
            String environment = Arrays.stream(options)
                    .filter(o -> o.startsWith("env="))
                    .map(o -> o.substring(4))
                    .findFirst()
                    .orElse(null);
            try {
                if (scoped || failFast || environment != null) {
                    ActionContext.Builder builder =
                            ActionContext.builder().actor("attach-bot").tenant("acme");
                    if (failFast) {
                        builder.approval(ActionContext.Approval.FAIL_FAST);
                    }
                    if (environment != null) {
                        builder.environment(environment);
                    }
                    try (ActionContext.Scope scope = builder.open()) {
                        new Mailer().send(label + "@x.example", "update");
                    }
                } else {
                    new Mailer().send(label + "@x.example", "update");
                }
                System.out.println("ALLOWED " + label);
            } catch (ActionDeniedException denied) {
                System.out.println((denied instanceof ApprovalPendingException ? "PENDING " : "CAUGHT ") + label + "\t"
                        + denied.getClass().getName() + "\t" + denied.verdict() + "\t" + origin(denied.getClass())
                        + "\t" + denied.decisionId());
            } catch (RuntimeException other) {
                System.out.println(
                        "MISSED " + label + "\t" + other.getClass().getName() + "\t" + origin(other.getClass()) + "\t"
                                + String.valueOf(other.getMessage()).replace('\n', ' '));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        classPath = System.getProperty("java.class.path");
        for (String step : args) {
            String[] parts = step.split(":");
            switch (parts[0]) {
                case "load" -> System.out.println("LOADED " + origin(Class.forName("dev.actiongate." + parts[1])));
                case "call" -> call(AttachCatchApp.class.getClassLoader(), parts);
                case "child" -> call(childFirst(), parts);
                case "gate" -> Signals.awaitSignal(parts[1]);
                case "mark" -> Signals.mark(parts[1]);
                default -> throw new IllegalArgumentException("unknown step " + step);
            }
            System.out.flush();
        }
    }

    private static ClassLoader child;
    /** As the JVM started: an attach appends the agent jar to it. */
    private static String classPath;

    private static ClassLoader childFirst() {
        if (child == null) {
            child = new ChildFirst(urls());
        }
        return child;
    }

    private static URL[] urls() {
        return Arrays.stream(classPath.split(java.io.File.pathSeparator))
                .map(entry -> {
                    try {
                        return Path.of(entry).toUri().toURL();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .toArray(URL[]::new);
    }

    private static void call(ClassLoader loader, String[] parts) throws Exception {
        Method call =
                Class.forName(Caller.class.getName(), true, loader).getMethod("call", String.class, String[].class);
        call.invoke(null, parts[1], Arrays.copyOfRange(parts, 2, parts.length));
    }

    static String origin(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null ? "bootstrap" : "child-first".equals(loader.getName()) ? "child-first" : "application";
    }

    /** Defines every class of the application's class path itself, as web containers and plugin hosts do. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls) {
            super("child-first", urls, ClassLoader.getSystemClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null && ownCopy(name)) {
                    try (InputStream in = getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in != null) {
                            byte[] bytes = in.readAllBytes();
                            loaded = defineClass(name, bytes, 0, bytes.length);
                        }
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return loaded != null ? loaded : super.loadClass(name, resolve);
            }
        }

        /** The application's classes and the ActionGate API; the agent's own classes are not the application's. */
        private static boolean ownCopy(String name) {
            return name.startsWith("dev.actiongate.it.")
                    || (name.startsWith("dev.actiongate.") && name.indexOf('.', "dev.actiongate.".length()) < 0);
        }
    }
}
