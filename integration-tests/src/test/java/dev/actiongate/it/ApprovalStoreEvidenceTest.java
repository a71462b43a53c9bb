package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actiongate.it.apps.ApprovalApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approvals store as an attacker who can write it while the service is stopped would try it:
 * the line that used an approval cut off, an {@code approved} line forged for a request no
 * reviewer approved (sealed with the store's own key, as someone who can read it would), and a
 * line edited. Each time the service starts again and the same call is retried: it must not run;
 * and {@code verify --approvals} reports the store before the service starts again.
 */
class ApprovalStoreEvidenceTest {

    private static final String POLICY = """
            version: "it-store-1"
            rules:
              - id: owner-approval
                action: send_customer_email
                verdict: require_approval
                approvers: [olivia]
                approval_timeout: 45s
                reason: "customer emails need an owner's approval"
            """;
    private static final String TOKEN = "store-evidence-token-0123456789abc";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private AgentApp.Running start(String... steps) {
        return AgentApp.on(Jdk.running(), dir)
                .admin(TOKEN)
                .policy(POLICY)
                .main(ApprovalApp.class, steps)
                .start();
    }

    private Path store() {
        return dir.resolve("records.approvals.jsonl");
    }

    private List<String> storeLines() throws Exception {
        return Files.readAllLines(store()).stream().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void aConsumedApprovalWhoseStoreLineWasCutNeverRunsASecondTime() throws Exception {
        String id;
        try (AgentApp.Running first = start("call:first:w@x.example")) {
            id = first.admin().awaitPendingTo("w@x.example").get("id").asText();
            assertEquals(
                    200, first.admin().review(id, "approve", "olivia", "go").status());
            AppOutput out = first.output();
            assertTrue(
                    out.allowed("first") && out.bodyRan("send w@x.example"),
                    out.run().describe());
        }
        List<String> lines = storeLines();
        assertTrue(lines.get(lines.size() - 1).contains("\"status\":\"consumed\""), lines.toString());
        ForkedJvm.Run intact = verifyStore(records()).assertExit(0);
        assertTrue(intact.stdout().contains("open requests agree with the decision records"), intact.describe());
        Files.write(store(), lines.subList(0, lines.size() - 1), StandardCharsets.UTF_8);

        // every seal of what is left holds; the records show the approval used
        ForkedJvm.Run sealsAlone = verifyStore().assertExit(0);
        assertTrue(sealsAlone.stdout().contains("give the decision records files too"), sealsAlone.describe());
        ForkedJvm.Run cut = verifyStore(records()).assertExit(1);
        assertTrue(
                cut.stdout()
                        .contains("CONTRADICTED BY THE RECORDS: line " + (lines.size() - 1) + " (approval " + id
                                + ", approved): the decision records show it used by decision"),
                cut.describe());

        try (AgentApp.Running second = start("call:retry:w@x.example:fail_fast")) {
            AppOutput out = second.output();
            assertEquals(
                    "approval_pending", out.denied("retry").verdict(), out.run().describe());
            assertEquals(List.of(), out.bodies(), "the approved call ran once, before the restart");
            JsonNode refused = storeRefusal(second, id);
            assertEquals("consumed", refused.get("status").asText(), refused.toString());
            assertEquals("approved", refused.get("store_status").asText(), refused.toString());
        }
    }

    @Test
    void aForgedApprovedLineRunsNothingAndIsReported() throws Exception {
        String id;
        try (AgentApp.Running first = start("call:first:f@x.example:fail_fast")) {
            AppOutput out = first.output();
            id = out.denied("first").decisionId();
        }
        List<String> lines = new ArrayList<>(storeLines());
        ObjectNode forged = (ObjectNode) JSON.readTree(lines.get(lines.size() - 1));
        String previousMac = forged.has("mac") ? forged.get("mac").asText() : null;
        forged.remove("mac");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        forged.put("status", "approved");
        forged.put("reviewer", "olivia");
        forged.put("comment", "looks fine");
        forged.put("reviewed_at", now.toString());
        forged.put("expires_at", now.plus(1, ChronoUnit.HOURS).toString());
        lines.add(sealedAsTheAgentWould(forged, previousMac));
        Files.write(store(), lines, StandardCharsets.UTF_8);

        try (AgentApp.Running second = start("call:retry:f@x.example:fail_fast")) {
            AppOutput out = second.output();
            assertEquals(
                    "approval_pending", out.denied("retry").verdict(), out.run().describe());
            assertEquals(List.of(), out.bodies(), "no reviewer approved it");
            JsonNode refused = storeRefusal(second, id);
            assertEquals("refused", refused.get("status").asText(), refused.toString());
            assertTrue(refused.get("problem").asText().contains("approval_reviewed"), refused.toString());
            String log = out.run().stderr();
            assertTrue(log.contains("ERROR") && log.contains(id) && log.contains(store().toString()), log);
        }
    }

    @Test
    void anEditedStoreLineIsReportedAndItsRequestRefused() throws Exception {
        String id;
        try (AgentApp.Running first = start("call:first:e@x.example:fail_fast", "gate:approved")) {
            id = first.admin().awaitPendingTo("e@x.example").get("id").asText();
            assertEquals(
                    200, first.admin().review(id, "approve", "olivia", "go").status());
            first.signal("approved");
            first.output();
        }
        List<String> lines = new ArrayList<>(storeLines());
        int approved = lines.size() - 1;
        assertTrue(lines.get(approved).contains("\"status\":\"approved\""), lines.toString());
        lines.set(approved, lines.get(approved).replace("\"comment\":\"go\"", "\"comment\":\"gone\""));
        Files.write(store(), lines, StandardCharsets.UTF_8);
        ForkedJvm.Run edited = verifyStore().assertExit(1);
        assertTrue(
                edited.stdout()
                        .contains("NOT SEALED: line " + (approved + 1) + " (approval " + id
                                + "): its seal does not hold"),
                edited.describe());

        try (AgentApp.Running second = start("call:retry:e@x.example:fail_fast")) {
            AppOutput out = second.output();
            assertEquals(
                    "approval_pending", out.denied("retry").verdict(), out.run().describe());
            assertFalse(out.bodyRan("send e@x.example"), "an edited approval is no approval");
            String log = out.run().stderr();
            assertTrue(log.contains(store() + ":" + (approved + 1)) && log.contains(id), log);
            JsonNode refused = storeRefusal(second, id);
            assertEquals("refused", refused.get("status").asText(), refused.toString());
            assertEquals(approved + 1, refused.get("line").asInt(), refused.toString());
        }
    }

    private Path records() {
        return dir.resolve("records.jsonl");
    }

    /** {@code verify --approvals} on the store (its key beside it), against {@code recordsFiles}, in a JVM of its own. */
    private ForkedJvm.Run verifyStore(Path... recordsFiles) {
        List<String> args = new ArrayList<>(List.of("verify", "--approvals", store().toString()));
        for (Path file : recordsFiles) {
            args.add(file.toString());
        }
        return ForkedJvm.agentCli(Jdk.running(), args.toArray(String[]::new));
    }

    /** The one {@code approval_store_refused} record about approval {@code id}. */
    private static JsonNode storeRefusal(AgentApp.Running app, String id) {
        List<JsonNode> refusals = app.records().ofKind("approval_store_refused").stream()
                .filter(r -> id.equals(r.get("decision_id").asText()))
                .toList();
        assertEquals(1, refusals.size(), app.records().records().toString());
        return refusals.get(0);
    }

    /**
     * {@code line} as the agent seals a store line (docs/approvals.md, "Sealed lines"), with the key
     * in the store's key file, as someone who can read that file would: a store that is not sealed
     * yet gets the line as it is.
     */
    private String sealedAsTheAgentWould(ObjectNode line, String previousMac) throws Exception {
        Map<String, Object> sorted =
                new TreeMap<>(JSON.convertValue(line, new TypeReference<Map<String, Object>>() {}));
        String body = JSON.writeValueAsString(sorted);
        Path keyFile = dir.resolve("records.approvals.jsonl.key");
        if (previousMac == null || !Files.exists(keyFile)) {
            return body;
        }
        String keyLine = Files.readString(keyFile).strip();
        byte[] key = HexFormat.of().parseHex(keyLine.substring(keyLine.indexOf("key=") + 4));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String seal =
                HexFormat.of().formatHex(mac.doFinal((previousMac + "\n" + body).getBytes(StandardCharsets.UTF_8)));
        return body.substring(0, body.length() - 1) + ",\"mac\":\"" + seal + "\"}";
    }
}
