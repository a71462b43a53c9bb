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
    private static final String CLI_CLASS = "dev.actiongate.agent.cli.Cli";

    private AgentLauncher() {
    }

    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, false);
    }

    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, true);
    }

    /** The command line: {@code java -jar actiongate-agent.jar verify FILE} and friends. */
    public static void main(String[] args) throws Exception {
        ClassLoader loader = new IsolatedClassLoader(new JarFile(agentJar()), agentJarUrl());
        Object exitCode;
        try {
            exitCode = loader.loadClass(CLI_CLASS).getMethod("run", String[].class).invoke(null, (Object) args);
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
            Class<?> loaderType = IsolatedClassLoader.class;
            File jarFile = agentJar();
            instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jarFile));
            ClassLoader loader = new IsolatedClassLoader(new JarFile(jarFile), agentJarUrl());
            loader.loadClass(AGENT_CLASS)
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
