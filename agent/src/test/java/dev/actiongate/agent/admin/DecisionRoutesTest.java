package dev.actiongate.agent.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.admin.AdminServer.Answer;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.records.DecisionHistory;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decisions routes in-process: the query's validation, and what they answer with and without a fleet store. */
class DecisionRoutesTest {

    private static final String ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

    @Test
    void aQueryReadsEveryParameterAndDefaultsTheLimit() {
        DecisionHistory.Query query =
                DecisionQuery.parse("action=send_customer_email&verdict=deny&actor=ann%40x.example"
                        + "&tenant=acme&since=2026-01-01T00:00:00Z&until=2026-01-02T01:00:00%2B01:00");
        assertEquals("send_customer_email", query.action());
        assertEquals("deny", query.verdict());
        assertEquals("ann@x.example", query.actor());
        assertEquals("acme", query.tenant());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), query.since());
        assertEquals(Instant.parse("2026-01-02T00:00:00Z"), query.until());
        assertEquals(50, query.limit());
        DecisionHistory.Query none = DecisionQuery.parse(null);
        assertNull(none.action());
        assertNull(none.since());
        assertEquals(50, none.limit());
        assertNull(DecisionQuery.parse("verdict=&limit=500").verdict(), "an empty value matches anything");
    }

    @Test
    void aBadParameterIsRefusedSayingWhich() {
        assertRefused("colour=red", "unknown parameter 'colour': search by action, verdict");
        assertRefused("verdict=deny&verdict=allow", "parameter 'verdict' is given twice");
        assertRefused("since=yesterday", "since must be an ISO-8601 time with its offset, such as");
        assertRefused("until=2026-01-01T00:00:00", "until must be an ISO-8601 time");
        assertRefused("limit=0", "limit must be between 1 and 500, not 0");
        assertRefused("limit=501", "limit must be between 1 and 500, not 501");
        assertRefused("limit=ten", "limit must be a whole number, not 'ten'");
        assertRefused("action=" + "a".repeat(257), "action is longer than 256 characters");
        assertRefused("actor=%zz", "the query string is not URL-encoded");
        assertRefused(
                "since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z",
                "since (2026-01-02T00:00:00Z) must be before until (2026-01-01T00:00:00Z)");
    }

    private static void assertRefused(String query, String message) {
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> DecisionQuery.parse(query), query);
        assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
        Answer answer = new DecisionRoutes(() -> state(new Listed())).answer("/decisions", query);
        assertEquals(400, answer.status(), query);
        assertEquals(Map.of("error", refused.getMessage()), answer.body());
    }

    @Test
    void withoutAFleetStoreTheRoutesSayWhatTheyNeed() {
        for (String path : List.of("/decisions", "/decisions/" + ID)) {
            Answer answer = new DecisionRoutes(() -> state(null)).answer(path, null);
            assertEquals(404, answer.status(), path);
            assertTrue(
                    answer.body()
                            .toString()
                            .contains("the decisions view needs a fleet store: set store=jdbc:postgresql:"),
                    answer.body().toString());
        }
        assertEquals(
                503, new DecisionRoutes(() -> null).answer("/decisions", null).status());
    }

    @Test
    void aSearchPassesTheQueryAndListsTheDecisions() {
        Listed history = new Listed();
        Answer answer = new DecisionRoutes(() -> state(history)).answer("/decisions", "verdict=deny&limit=7");
        assertEquals(200, answer.status());
        assertEquals("deny", history.asked.get(0).verdict());
        assertEquals(7, history.asked.get(0).limit());
        String body = answer.body().toString();
        assertTrue(body.contains("instance=b") && body.contains("decision_id=" + ID) && body.contains("limit=7"), body);
    }

    @Test
    void oneDecisionShowsEveryRecordInOrderAndAnUnknownOneIs404() {
        Listed history = new Listed();
        Answer answer = new DecisionRoutes(() -> state(history)).answer("/decisions/" + ID, null);
        assertEquals(200, answer.status());
        String body = answer.body().toString();
        assertTrue(body.indexOf("\"decision\"") < body.indexOf("\"approval_reviewed\""), body);
        assertEquals(
                404,
                new DecisionRoutes(() -> state(history))
                        .answer("/decisions/unknown-1", null)
                        .status());
        assertEquals(
                404,
                new DecisionRoutes(() -> state(history))
                        .answer("/decisions/a'b", null)
                        .status());
    }

    @Test
    void aDatabaseThatCannotBeReadIs503NamingIt() {
        DecisionHistory down = new DecisionHistory() {
            @Override
            public List<Decision> search(Query query) throws IOException {
                throw new IOException("fleet store jdbc:postgresql://db/x cannot be reached: refused");
            }

            @Override
            public List<Entry> decision(String decisionId) throws IOException {
                throw new IOException("fleet store jdbc:postgresql://db/x cannot be reached: refused");
            }
        };
        Answer answer = new DecisionRoutes(() -> state(down)).answer("/decisions", "");
        assertEquals(503, answer.status());
        assertTrue(
                answer.body().toString().contains("cannot be reached"),
                answer.body().toString());
    }

    private static GateState state(DecisionHistory history) {
        return new GateState(
                null,
                "no policy",
                null,
                null,
                new GateState.Origin("host-1", null),
                null,
                "none",
                new GateState.SharedStores(null, null, history));
    }

    /** One decision held on instance b and reviewed on a. */
    private static final class Listed implements DecisionHistory {
        final List<Query> asked = new ArrayList<>();

        @Override
        public List<Decision> search(Query query) {
            asked.add(query);
            return List.of(new Decision(
                    Instant.parse("2026-01-01T00:00:00Z"), "mail", "b", "send", "deny", "ann", "acme", ID));
        }

        @Override
        public List<Entry> decision(String decisionId) {
            return decisionId.equals(ID)
                    ? List.of(
                            new Entry("mail", "b", "{\"kind\":\"decision\",\"decision_id\":\"" + ID + "\"}"),
                            new Entry("mail", "a", "{\"kind\":\"approval_reviewed\",\"decision_id\":\"" + ID + "\"}"))
                    : List.of();
        }
    }
}
