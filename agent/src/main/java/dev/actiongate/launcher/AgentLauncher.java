package dev.actiongate.launcher;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.jar.JarFile;

/**
 * Entry point of the agent jar for {@code -javaagent}, dynamic attach and {@code java -jar}.
 * It only wires class loaders: the public API and the bridge go on the bootstrap class path,
 * everything else is loaded in isolation. It must never take the application down.
 */
public final class AgentLauncher {

    private static final String AGENT_CLASS = "dev.actiongate.agent.ActionGateAgent";
    private static final String BRIDGE_INSTALLER_CLASS = "dev.actiongate.agent.BridgeInstaller";
    private static final String CLI_CLASS = "dev.actiongate.agent.cli.Cli";
    /** Set by the agent while it runs in this JVM (see RunningAgent). */
    private static final String RUNNING_PROPERTY = "dev.actiongate.running";
    /** Told to the command line, which attaches this very jar to other JVMs. */
    static final String JAR_PROPERTY = "dev.actiongate.cli.jar";
    /** The agent argument with which {@code detach} loads this jar into a JVM the agent runs in. */
    private static final String DETACH = "detach";

    /** What detaches the agent this launcher started; {@code null} when none runs. */
    private static volatile Runnable running;

    private AgentLauncher() {}

    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, false);
    }

    /** Dynamic attach: starts the agent, or with the argument {@code detach}, detaches the running one. */
    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        String runningSince = System.getProperty(RUNNING_PROPERTY);
        if (DETACH.equals(agentArgs == null ? null : agentArgs.trim())) {
            Runnable detach = running;
            if (runningSince == null || detach == null) {
                System.err.println("[actiongate] WARN  detach asked, but ActionGate is not running in this JVM");
                return;
            }
            try {
                detach.run();
                running = null;
            } catch (RuntimeException e) {
                System.err.println("[actiongate] ERROR detach refused: " + e.getMessage());
            }
            return;
        }
        if (runningSince != null) {
            System.err.println("[actiongate] WARN  attach refused: " + runningSince + " already runs in this JVM;"
                    + " detach it first");
            return;
        }
        start(agentArgs, instrumentation, true);
    }

    /** The command line: {@code java -jar actiongate-agent.jar verify FILE} and friends. */
    public static void main(String[] args) throws Exception {
        ClassLoader loader = new IsolatedClassLoader(new JarFile(agentJar()), agentJarUrl());
        System.setProperty(JAR_PROPERTY, agentJar().getAbsolutePath());
        Object exitCode;
        try {
            exitCode =
                    loader.loadClass(CLI_CLASS).getMethod("run", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
        System.exit((Integer) exitCode);
    }

    private static void start(String agentArgs, Instrumentation instrumentation, boolean attached) {
        try {
            // Resolve the loader class from this jar before the jar also lands on the bootstrap
            // class path; otherwise which loader defines it depends on when the JVM verifies this
            // class (with verification off it would be the bootstrap loader).
            @SuppressWarnings("unused")
            Class<?> loaderType = IsolatedClassLoader.class;
            File jarFile = agentJar();
            if (attached) {
                try (JarFile jar = new JarFile(jarFile)) {
                    ApplicationApiCopies.complete(instrumentation, jar);
                }
            }
            instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jarFile));
            ClassLoader loader = new IsolatedClassLoader(new JarFile(jarFile), agentJarUrl());
            // First, before any class that names the bridge is loaded: see BridgeInstaller.
            loader.loadClass(BRIDGE_INSTALLER_CLASS)
                    .getMethod("define", Instrumentation.class)
                    .invoke(null, instrumentation);
            running = (Runnable) loader.loadClass(AGENT_CLASS)
                    .getMethod("start", String.class, Instrumentation.class, boolean.class)
                    .invoke(null, agentArgs, instrumentation, attached);
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
            System.err.println("[actiongate] ERROR the agent could not start; governed methods are NOT"
                    + " instrumented in this JVM: " + cause);
            cause.printStackTrace();
        }
    }

    private static URL agentJarUrl() {
        return AgentLauncher.class.getProtectionDomain().getCodeSource().getLocation();
    }

    private static File agentJar() throws Exception {
        return new File(agentJarUrl().toURI());
    }
}
