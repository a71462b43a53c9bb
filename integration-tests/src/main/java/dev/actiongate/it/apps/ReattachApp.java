package dev.actiongate.it.apps;

import dev.actiongate.GovernedAction;
import java.lang.reflect.Proxy;

/**
 * Runs the steps its arguments name, in order, so that a test can attach, detach and attach the
 * agent again between them:
 * <ul>
 *   <li>{@code class:LABEL}: calls a governed method of a class;</li>
 *   <li>{@code lambda-a:LABEL}, {@code lambda-b:LABEL}, {@code lambda-c:LABEL}: makes a new lambda
 *       of an annotated interface at call site A, B or C and calls it; each site is linked by the
 *       JVM the first time it runs, so a test chooses whether that is before an attach, while
 *       attached or while detached;</li>
 *   <li>{@code proxy:LABEL}: makes a JDK proxy of the annotated interface whose handler does the
 *       work itself, as generated clients and repositories do, and calls it;</li>
 *   <li>{@code gate:NAME}: waits until the test sends {@code NAME}; {@code mark:NAME}: prints {@code MARK NAME}.</li>
 * </ul>
 */
public final class ReattachApp {

    private ReattachApp() {}

    public interface Tool {
        @GovernedAction("run_tool")
        String run(String input);
    }

    public static final class Mailer {
        @GovernedAction("send_mail")
        public String send(String to) {
            return Probe.sent("send " + to);
        }
    }

    public static void main(String[] args) throws Exception {
        Mailer mailer = new Mailer();
        for (String step : args) {
            int colon = step.indexOf(':');
            String kind = step.substring(0, colon);
            String value = step.substring(colon + 1);
            switch (kind) {
                case "class" -> Probe.attempt(value, () -> mailer.send(value));
                case "lambda-a" -> Probe.attempt(value, () -> siteA().run(value));
                case "lambda-b" -> Probe.attempt(value, () -> siteB().run(value));
                case "lambda-c" -> Probe.attempt(value, () -> siteC().run(value));
                case "proxy" -> Probe.attempt(value, () -> proxy().run(value));
                case "gate" -> Signals.awaitSignal(value);
                case "mark" -> Signals.mark(value);
                default -> throw new IllegalArgumentException("unknown step " + step);
            }
            System.out.flush();
        }
    }

    private static Tool siteA() {
        return input -> {
            Probe.body("tool a " + input);
            return input;
        };
    }

    private static Tool siteB() {
        return input -> {
            Probe.body("tool b " + input);
            return input;
        };
    }

    private static Tool siteC() {
        return input -> {
            Probe.body("tool c " + input);
            return input;
        };
    }

    private static Tool proxy() {
        return (Tool) Proxy.newProxyInstance(
                Tool.class.getClassLoader(), new Class<?>[] {Tool.class}, (proxy, method, arguments) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(ReattachApp.class, arguments);
                    }
                    Probe.body("tool proxy " + arguments[0]);
                    return arguments[0];
                });
    }
}
