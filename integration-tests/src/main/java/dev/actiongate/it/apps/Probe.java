package dev.actiongate.it.apps;

import dev.actiongate.ActionDeniedException;
import java.lang.reflect.InvocationTargetException;
import java.security.CodeSource;

/**
 * The line protocol between a test application and its test, on standard output:
 * <ul>
 *   <li>{@code BODY what}: printed only from inside a governed body, the proof that it ran;</li>
 *   <li>{@code ALLOWED label}: the call returned;</li>
 *   <li>{@code DENIED label<TAB>verdict<TAB>action<TAB>decisionId<TAB>rule,rule<TAB>reason}: the
 *       call threw {@link ActionDeniedException}, caught by the application;</li>
 *   <li>{@code THREW label<TAB>exception class<TAB>message}: the call threw something else;</li>
 *   <li>{@code FACT key=value}: something the application observed about its JVM;</li>
 *   <li>{@code MARK name}: the application got this far ({@link Signals#mark}).</li>
 * </ul>
 */
public final class Probe {

    private Probe() {}

    /** Call first thing in a governed body. */
    public static void body(String what) {
        System.out.println("BODY " + what);
    }

    /** A notifier's governed body: says that it ran, as {@link #body} does, and answers {@code "sent"}. */
    public static String sent(String what) {
        body(what);
        return "sent";
    }

    /** A governed call whose outcome the test checks by {@code label}. */
    public static void attempt(String label, ThrowingCall call) {
        try {
            call.run();
            System.out.println("ALLOWED " + label);
        } catch (ActionDeniedException denied) {
            denied(label, denied);
        } catch (InvocationTargetException reflective) {
            if (reflective.getCause() instanceof ActionDeniedException denied) {
                denied(label, denied);
            } else {
                threw(label, reflective.getCause());
            }
        } catch (Exception other) {
            threw(label, other);
        }
    }

    private static void denied(String label, ActionDeniedException denied) {
        System.out.println("DENIED " + label + "\t" + denied.verdict() + "\t" + denied.action() + "\t"
                + denied.decisionId() + "\t" + String.join(",", denied.matchedRules()) + "\t"
                + oneLine(denied.reason()));
    }

    private static void threw(String label, Throwable thrown) {
        System.out.println("THREW " + label + "\t" + thrown.getClass().getName() + "\t" + oneLine(thrown.getMessage()));
    }

    public static void fact(String key, Object value) {
        System.out.println("FACT " + key + "=" + oneLine(String.valueOf(value)));
    }

    /** Where {@code type} was loaded from: a jar or folder, or {@code bootstrap}. */
    public static String origin(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return type.getClassLoader() == null || source == null
                ? "bootstrap"
                : source.getLocation().toString();
    }

    /** {@code text} as {@link #attempt} prints it: tabs and line breaks become spaces. */
    public static String oneLine(String text) {
        return text == null
                ? "null"
                : text.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    }

    /** A call that may throw anything; {@link #attempt} sorts it out. */
    @FunctionalInterface
    public interface ThrowingCall {
        void run() throws Exception;
    }
}
