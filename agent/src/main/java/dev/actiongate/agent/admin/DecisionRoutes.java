package dev.actiongate.agent.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actiongate.agent.admin.AdminServer.Answer;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.records.DecisionHistory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /decisions?action=&verdict=&actor=&tenant=&since=&until=&limit=} and
 * {@code GET /decisions/{decision_id}}: the decisions of the whole fleet, read from its database by
 * whichever instance is asked. Without a fleet store there is nothing to read: 404, saying so.
 */
final class DecisionRoutes {

    private static final Pattern ONE = Pattern.compile("/decisions/([A-Za-z0-9-]{1,64})/?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<GateState> state;

    /** @param state the gate's state, {@code null} while it starts */
    DecisionRoutes(Supplier<GateState> state) {
        this.state = state;
    }

    Answer answer(String path, String rawQuery) {
        GateState current = state.get();
        if (current == null) {
            return new Answer(503, Map.of("error", "the agent is still starting"));
        }
        DecisionHistory history = current.decisions();
        if (history == null) {
            return new Answer(
                    404,
                    Map.of(
                            "error",
                            "the decisions view needs a fleet store: set store=jdbc:postgresql:..."
                                    + " (docs/fleet.md); this agent keeps its records in its own file"));
        }
        try {
            if (path.equals("/decisions") || path.equals("/decisions/")) {
                DecisionHistory.Query query;
                try {
                    query = DecisionQuery.parse(rawQuery);
                } catch (IllegalArgumentException e) {
                    return new Answer(400, Map.of("error", e.getMessage()));
                }
                return new Answer(200, found(query, history.search(query)));
            }
            Matcher one = ONE.matcher(path);
            if (one.matches()) {
                return one(one.group(1), history.decision(one.group(1)));
            }
        } catch (IOException e) {
            return new Answer(503, Map.of("error", "the decisions cannot be read: " + e.getMessage()));
        }
        return new Answer(
                404, Map.of("error", "no such resource: " + path + " (a decision id is a UUID such as the records')"));
    }

    private static Map<String, Object> found(DecisionHistory.Query query, List<DecisionHistory.Decision> decisions) {
        List<Map<String, Object>> listed = new ArrayList<>();
        for (DecisionHistory.Decision decision : decisions) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("at", decision.at() == null ? null : decision.at().toString());
            row.put("service", decision.service());
            row.put("instance", decision.instance());
            row.put("action", decision.action());
            row.put("verdict", decision.verdict());
            row.put("actor", decision.actor());
            row.put("tenant", decision.tenant());
            row.put("decision_id", decision.decisionId());
            listed.add(row);
        }
        return Map.of("decisions", listed, "limit", query.limit());
    }

    private static Answer one(String id, List<DecisionHistory.Entry> entries) {
        if (entries.isEmpty()) {
            return new Answer(404, Map.of("error", "no records of decision " + id + " in the fleet's database"));
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (DecisionHistory.Entry entry : entries) {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("service", entry.service());
            shown.put("instance", entry.instance());
            try {
                shown.put("record", JSON.readTree(entry.line()));
            } catch (JsonProcessingException e) {
                // verify --store says what is wrong with such a line; here it is shown as stored
                shown.put("line", entry.line());
            }
            records.add(shown);
        }
        return new Answer(200, Map.of("decision_id", id, "records", records));
    }
}
