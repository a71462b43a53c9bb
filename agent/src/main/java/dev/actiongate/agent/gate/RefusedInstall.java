package dev.actiongate.agent.gate;

import dev.actiongate.agent.records.Timestamps;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Someone tried to put another dispatcher behind the bridge while the gate is in force: the
 * attempt was refused; this says so where ops and auditors look, the log and the records.
 */
final class RefusedInstall {

    private RefusedInstall() {}

    /** Never throws: it runs on the attacker's thread, inside the bridge. */
    static void record(String attempt, String service, GateState state) {
        try {
            LoggerFactory.getLogger("actiongate")
                    .error(
                            "refused an attempt to replace ActionGate's dispatcher with {}:"
                                    + " governed calls stay decided by this agent",
                            attempt);
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("attempt", attempt);
            record.put("kind", "bridge_install_refused");
            record.put("service", service);
            record.put("thread", Thread.currentThread().getName());
            record.put("timestamp", Timestamps.now());
            if (state != null && state.sink() != null) {
                state.sink().append(record, null);
            }
        } catch (Exception | LinkageError e) {
            LoggerFactory.getLogger("actiongate")
                    .error("the refused dispatcher install could not be recorded: {}", e.toString());
        }
    }
}
