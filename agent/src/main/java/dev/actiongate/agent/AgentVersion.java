package dev.actiongate.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The agent's version, from the jar it was built into. Apart from {@link ActionGateAgent} so
 * that the command line can print it without linking the agent, whose bridge classes exist only
 * on the bootstrap class path of a JVM the agent runs in.
 */
public final class AgentVersion {

    private AgentVersion() {}

    public static String get() {
        try (InputStream in = AgentVersion.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
