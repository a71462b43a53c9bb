package dev.actiongate.agent.admin;

import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.gate.Gate;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.gate.GovernedMethod;
import dev.actiongate.agent.gate.Switches;
import dev.actiongate.agent.records.RecordLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /status}: what is in force and how the agent is doing, as ops and health checks read it. */
final class StatusReport {

    private StatusReport() {}

    static Map<String, Object> of(AgentConfig config, Gate gate, String version) throws IOException {
        Map<String, Object> status = new LinkedHashMap<>();
        GateState state = gate.state();
        status.put("version", version);
        status.put("service", config.service());
        status.put("environment", config.environment());
        status.put("starting", state == null);
        Switches switches = gate.switches();
        boolean policyEnabled =
                state == null || state.policy() == null || state.policy().enabled();
        status.put("enabled", switches.enabled() && policyEnabled);
        status.put("switched", switched(switches));
        status.put(
                "policy_file", config.policy() == null ? null : config.policy().toString());
        status.put(
                "policy_version",
                state == null || state.policy() == null ? null : state.policy().version());
        status.put(
                "policy_sha256",
                state == null || state.policy() == null ? null : state.policy().sha256());
        status.put(
                "mode",
                switches.mode() != null
                        ? switches.mode().wireName()
                        : state == null || state.policy() == null
                                ? null
                                : state.policy().mode().wireName());
        status.put(
                "policy_problem",
                state == null
                        ? null
                        : state.policy() == null
                                ? state.policyProblem()
                                : state.policy().problem());
        putRecords(status, state);
        List<Map<String, String>> methods =
                gate.governedMethods().stream().map(StatusReport::describe).toList();
        status.put("governed_methods", methods);
        status.put("decisions", gate.decisionCounts());
        // Classes that run as compiled although they may have governed methods: ops must see them.
        status.put(
                "instrumentation_failures_count", gate.instrumentationFailures().count());
        status.put("instrumentation_failures", gate.instrumentationFailures().list());
        return status;
    }

    /** Who switched governing, and to what; {@code mode} is {@code policy} when the policy's own mode holds. */
    private static Map<String, Object> switched(Switches switches) {
        Map<String, Object> switched = new LinkedHashMap<>();
        switched.put("enabled", switches.enabled());
        switched.put(
                "mode", switches.mode() == null ? "policy" : switches.mode().wireName());
        switched.put("by", switches.by());
        switched.put("since", switches.since());
        return switched;
    }

    private static void putRecords(Map<String, Object> status, GateState state) throws IOException {
        status.put(
                "records",
                state == null || state.records() == null
                        ? null
                        : state.records().path().toString());
        status.put(
                "records_bytes",
                state == null || state.records() == null
                        ? null
                        : sizeOrNull(state.records().path()));
        status.put(
                "records_journal",
                state == null || state.records() == null || !state.records().journaled()
                        ? null
                        : RecordLog.journalOf(state.records().path()).toString());
        status.put(
                "records_problem",
                state == null
                        ? null
                        : state.records() != null && state.records().problem() != null
                                ? state.records().problem()
                                : state.recordsProblem());
    }

    /** The file may be gone for a moment: the agent is making a new one, or denies calls until it can. */
    private static Long sizeOrNull(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return null;
        }
    }

    private static Map<String, String> describe(GovernedMethod method) {
        Map<String, String> described = new LinkedHashMap<>();
        described.put("method", method.signature());
        described.put("action", method.action());
        described.put("source", method.source());
        if (method.entry() != null) {
            described.put("govern_entry", method.entry());
        }
        return described;
    }
}
