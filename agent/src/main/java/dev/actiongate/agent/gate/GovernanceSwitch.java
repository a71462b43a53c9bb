package dev.actiongate.agent.gate;

import dev.actiongate.agent.policy.Decision;
import dev.actiongate.agent.policy.Mode;
import dev.actiongate.agent.records.RecordSink;
import dev.actiongate.agent.records.Timestamps;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The run-time switch ops pull on top of the policy: governing off altogether, or the mode
 * forced. A switch is recorded before it is made ({@code governance_switched}); a switch that
 * cannot be recorded is not made.
 */
final class GovernanceSwitch {

    private final String service;
    private final Supplier<GateState> state;
    private volatile Switches switches = Switches.NONE;

    /** @param state what the gate decides with now, or {@code null} while start-up runs */
    GovernanceSwitch(String service, Supplier<GateState> state) {
        this.service = service;
        this.state = state;
    }

    /** What ops switched; {@link Switches#NONE} unless someone did. */
    Switches switches() {
        return switches;
    }

    /** {@code decision} in the mode ops forced, if they did. */
    Decision inForcedMode(Decision decision) {
        Mode forced = switches.mode();
        if (forced != null && decision.enforced() != (forced == Mode.ENFORCE)) {
            return decision.withEnforced(forced == Mode.ENFORCE);
        }
        return decision;
    }

    /** See {@link Gate#switchGoverning}. */
    synchronized String switchGoverning(Boolean enabled, String mode, String by, String reason, String trigger) {
        if (by == null || by.isBlank()) {
            throw new IllegalArgumentException("say who switches ('by'): the record keeps it");
        }
        if (enabled == null && mode == null) {
            throw new IllegalArgumentException("nothing to switch: give 'enabled' (true or false), 'mode' (monitor,"
                    + " enforce or policy) or both");
        }
        Switches before = switches;
        Mode forced = mode == null ? before.mode() : forcedMode(mode);
        Switches after =
                new Switches(enabled == null ? before.enabled() : enabled, forced, by.trim(), Timestamps.now());
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("by", after.by());
        record.put("enabled", after.enabled());
        record.put("kind", "governance_switched");
        record.put("mode", after.mode() == null ? "policy" : after.mode().wireName());
        record.put("previous_enabled", before.enabled());
        record.put(
                "previous_mode",
                before.mode() == null ? "policy" : before.mode().wireName());
        record.put("reason", reason);
        record.put("service", service);
        record.put("timestamp", after.since());
        record.put("trigger", trigger);
        GateState now = state.get();
        RecordSink sink = now == null ? null : now.sink();
        if (sink != null) {
            try {
                sink.append(record, null);
            } catch (IOException e) {
                // Evidence first: a switch nobody could see later is not made.
                throw new IllegalStateException("the switch could not be recorded, so it was not made: " + e, e);
            }
        }
        switches = after;
        String outcome = "governing is " + (after.enabled() ? "ON" : "OFF (governed methods run unrecorded)")
                + ", mode " + record.get("mode") + ", switched by " + after.by();
        LoggerFactory.getLogger("actiongate").warn("{} ({})", outcome, trigger);
        return outcome;
    }

    /** The mode to force; {@code null} for {@code policy}, which goes back to the policy's mode. */
    private static Mode forcedMode(String mode) {
        return switch (mode) {
            case "monitor" -> Mode.MONITOR;
            case "enforce" -> Mode.ENFORCE;
            case "policy" -> null;
            default ->
                throw new IllegalArgumentException("unknown mode '" + mode + "' (expected monitor, enforce or policy)");
        };
    }
}
