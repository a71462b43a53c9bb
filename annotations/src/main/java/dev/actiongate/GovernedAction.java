package dev.actiongate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method whose every call is decided by the ActionGate policy before its body runs.
 *
 * <p>The annotation may sit on the method itself or on the interface or superclass method it
 * implements or overrides; either way the check runs in the callee, so calls through reflection,
 * lambdas and method references are governed the same.
 *
 * <pre>{@code
 * @GovernedAction("send_customer_email")
 * public void send(String to, String subject, String body) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface GovernedAction {

    /** The action name the policy sees, for example {@code "send_customer_email"}. */
    String value();
}
