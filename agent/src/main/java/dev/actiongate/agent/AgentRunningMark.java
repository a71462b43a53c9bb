package dev.actiongate.agent;

import dev.actiongate.ActionGate;
import java.lang.reflect.Field;

/**
 * Tells the API's {@link ActionGate#agentRunning()} whether the agent governs this JVM, through a
 * field it reads at the cost of one volatile read; {@link RunningAgent#RUNNING_PROPERTY} says the
 * same to every other copy of the API.
 */
final class AgentRunningMark {

    private AgentRunningMark() {}

    static void set(boolean running) {
        try {
            Field field = ActionGate.class.getDeclaredField("agent");
            field.setAccessible(true);
            field.setBoolean(null, running);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Not fatal: ActionGate.agentRunning() falls back to the system property.
            System.err.println("[actiongate] WARN  could not mark the agent as running on ActionGate: " + e);
        }
    }
}
