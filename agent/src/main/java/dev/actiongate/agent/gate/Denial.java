package dev.actiongate.agent.gate;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.bootstrap.GateBridge;
import java.util.Arrays;
import java.util.List;

/**
 * The exception a governed method throws when its call is refused. The agent's own frames are
 * cut so that the trace starts at the governed method, as if its first statement had thrown.
 */
final class Denial {

    private Denial() {}

    static ActionDeniedException of(
            String decisionId, String action, String verdict, String reason, List<String> matchedRules) {
        return trimmed(new ActionDeniedException(decisionId, action, verdict, reason, matchedRules));
    }

    static <T extends ActionDeniedException> T trimmed(T denied) {
        StackTraceElement[] trace = denied.getStackTrace();
        int first = 0;
        while (first < trace.length && isAgentFrame(trace[first].getClassName())) {
            first++;
        }
        denied.setStackTrace(Arrays.copyOfRange(trace, first, trace.length));
        return denied;
    }

    private static boolean isAgentFrame(String className) {
        // The bridge's name is the relocated one in the agent jar (java.lang.ActionGateBridge).
        return className.startsWith("dev.actiongate.agent.") || className.startsWith(GateBridge.class.getName());
    }
}
