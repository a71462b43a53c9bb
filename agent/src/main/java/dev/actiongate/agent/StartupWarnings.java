package dev.actiongate.agent;

import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.gate.GovernedMethod;
import dev.actiongate.agent.gate.MethodRegistry;
import dev.actiongate.agent.policy.GovernEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What start-up can tell ops before it turns into a puzzling denial later: a {@code govern:}
 * entry that matches nothing, a governed method without parameter names, {@code context_mdc}
 * without SLF4J.
 */
final class StartupWarnings {

    /** How long the application gets to load the classes a govern: entry names before it is reported. */
    private static final long UNMATCHED_GRACE_MS = 30_000;

    private StartupWarnings() {}

    /**
     * Says once which {@code govern:} entries govern nothing: at once for a class the application
     * cannot even load, and after the application had time to load its classes for the rest.
     */
    static void reportUnmatched(
            List<GovernEntry> govern, MethodRegistry registry, CompletableFuture<GateState> startup) {
        startup.join();
        List<GovernEntry> waiting = new ArrayList<>();
        for (GovernEntry entry : govern) {
            if (entry.isMethodEntry() && !onClassPath(entry.className())) {
                log().warn(
                                "govern entry '{}' (policy line {}) matches nothing: class {} is not on the application's"
                                        + " class path (it may still come from another class loader)",
                                entry.text(),
                                entry.line(),
                                entry.className());
            } else {
                waiting.add(entry);
            }
        }
        try {
            Thread.sleep(UNMATCHED_GRACE_MS);
        } catch (InterruptedException e) {
            return;
        }
        Set<String> matched = new HashSet<>();
        registry.all().forEach(method -> matched.add(method.entry()));
        for (GovernEntry entry : waiting) {
            if (!matched.contains(entry.text())) {
                log().warn(
                                "govern entry '{}' (policy line {}) has matched no method {} s after start",
                                entry.text(),
                                entry.line(),
                                UNMATCHED_GRACE_MS / 1000);
            }
        }
    }

    /** Whether the application's class path (or the JDK) has {@code className}; an annotation entry has no class. */
    private static boolean onClassPath(String className) {
        String resource = className.replace('.', '/') + ".class";
        return ClassLoader.getSystemClassLoader().getResource(resource) != null
                || ClassLoader.getPlatformClassLoader().getResource(resource) != null;
    }

    /**
     * A method compiled without {@code -parameters} would have every {@code args.<name>} condition
     * fail as "key is not present", which reads like a policy bug: name the cause and the fix.
     */
    static void warnIfParametersUnnamed(GovernedMethod method) {
        if (method.parameterNamesCompiled()) {
            return;
        }
        String signature = method.signature();
        log().warn(
                        "governed method {} (action '{}') has no parameter names in its class file: policies see its"
                                + " arguments only as args.arg0, args.arg1, ... and a condition on args.<name> fails with"
                                + " \"key is not present\". Compile {} with -parameters (Maven: <parameters>true</parameters>"
                                + " in maven-compiler-plugin's <configuration>; Gradle: options.compilerArgs.add('-parameters'))",
                        signature,
                        method.action(),
                        signature.substring(0, signature.indexOf('#')));
    }

    /** An application without SLF4J has no MDC to read: say so at start-up rather than fail later. */
    static void warnIfContextMdcCannotWork(AgentConfig config) {
        String mdc = String.join("/", "org", "slf4j", "MDC.class");
        if (!config.contextMdc().isEmpty() && ClassLoader.getSystemClassLoader().getResource(mdc) == null) {
            log().warn(
                            "context_mdc is set ({}) but the application has no SLF4J on its class path: context"
                                    + " fields can only come from ActionContext scopes",
                            config.contextMdc());
        }
    }

    private static Logger log() {
        return LoggerFactory.getLogger("actiongate");
    }
}
