package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actiongate.it.AppOutput.Denial;
import dev.actiongate.it.apps.VerdictsApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every verdict end to end, the fields of a decision record, argument masking, and arguments of
 * every shape read by CEL conditions.
 */
class VerdictsTest {

    private static final String ENFORCING_POLICY = """
            version: "it-verdicts-7"
            default: deny
            redact: [internalNote]
            rules:
              - id: example-recipients
                action: send_email
                when: 'args.to.endsWith("@example.com")'
                verdict: allow
              - id: blocked-destination
                action: send_email
                when: 'args.to.endsWith("@blocked.example")'
                verdict: deny
                reason: destination is blocked
              - id: large-refund
                action: refund
                when: 'args.amountCents > 10000'
                verdict: require_approval
                approvers: [olivia]
                reason: refunds over 100.00 need a second pair of eyes
              - id: small-order
                action: place_order
                when: 'args.order.amount <= 100'
                verdict: allow
              - id: vip-big-order
                action: place_order
                when: 'args.order.amount > 100 && args.tags.exists(t, t == "vip")'
                verdict: allow
              - id: big-order
                action: place_order
                when: 'args.order.amount > 100 && !args.tags.exists(t, t == "vip")'
                verdict: deny
                reason: orders over 100 need a vip tag
              - id: embargo
                action: place_order
                when: 'args.order.customer.country == "XX"'
                verdict: deny
                reason: embargoed country
              - id: urgent
                action: place_order
                when: 'args.priority == "URGENT"'
                verdict: require_approval
                approvers: [olivia]
                reason: urgent orders are reviewed
              - id: free-coupon
                action: place_order
                when: 'args.coupon == "FREE"'
                verdict: deny
                reason: free coupons are not accepted
              - id: accounts
                action: create_*
                verdict: allow
              - id: weak-password
                action: create_account
                when: 'args.password == "hunter2"'
                verdict: deny
                reason: weak password
            """;

    private static final List<String> DECISION_FIELDS = List.of(
            "kind",
            "decision_id",
            "timestamp",
            "action",
            "verdict",
            "enforced",
            "reason",
            "matched_rules",
            "policy_version",
            "policy_sha256",
            "actor",
            "on_behalf_of",
            "tenant",
            "environment",
            "caller_reason",
            "arguments",
            "method",
            "service",
            "host",
            "pid",
            "thread",
            "eval_ns",
            "prev_hash",
            "hash");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final String MAILER = "dev.actiongate.it.apps.VerdictsApp$Mailer";

    /** One run of the application under the enforcing policy per JDK, shared by the tests that read it. */
    private static final Map<Jdk, Enforced> ENFORCED = new ConcurrentHashMap<>();

    @TempDir
    static Path shared;

    /** The application's run under {@link #ENFORCING_POLICY}, its policy file and its records. */
    private record Enforced(ForkedJvm.Run run, Path policy, Records records) {}

    private static Enforced enforced(Jdk jdk) {
        return ENFORCED.computeIfAbsent(jdk, key -> {
            try {
                Path folder = Files.createDirectories(shared.resolve("jdk" + jdk.feature()));
                Path policy = folder.resolve("policy.yaml");
                Path file = folder.resolve("records.jsonl");
                ForkedJvm.Run run = run(jdk, ENFORCING_POLICY, policy, file);
                return new Enforced(run, policy, Records.read(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static ForkedJvm.Run run(Jdk jdk, String policyYaml, Path policy, Path records) throws IOException {
        Files.writeString(policy, policyYaml);
        return AgentApp.on(jdk, policy.getParent())
                .policyFile(policy)
                .records(records)
                .main(VerdictsApp.class)
                .run()
                .assertExit(0);
    }

    @OnEveryJdk
    void everyVerdictUnderAnEnforcingPolicy(Jdk jdk) throws Exception {
        ForkedJvm.Run run = enforced(jdk).run();
        AppOutput out = run.output();
        Records records = enforced(jdk).records();
        String why = run.describe();

        // allow: the body runs, then an outcome record follows its decision
        assertTrue(out.allowed("allow"), why);
        assertTrue(out.bodyRan("send_email ann@example.com"), why);
        JsonNode allowed = records.decisionWithArgument("to", "ann@example.com");
        assertEquals("allow", allowed.get("verdict").asText());
        assertTrue(allowed.get("enforced").asBoolean());
        assertEquals(List.of("example-recipients"), texts(allowed.get("matched_rules")));
        JsonNode outcome = records.outcome(allowed.get("decision_id").asText()).orElseThrow();
        assertEquals("returned", outcome.get("outcome").asText());
        assertTrue(outcome.get("exception").isNull(), outcome.toString());
        assertTrue(records.indexOf(outcome) > records.indexOf(allowed), "outcome after its decision");

        // a body that throws: allowed, and the outcome says it threw
        assertTrue(out.bodyRan("send_email bounce@example.com"), why);
        assertEquals(
                List.of("body-throws\tjava.lang.IllegalStateException\tmailbox full: bounce@example.com"), out.threw());
        JsonNode bounced = records.decisionWithArgument("to", "bounce@example.com");
        JsonNode threw = records.outcome(bounced.get("decision_id").asText()).orElseThrow();
        assertEquals("threw", threw.get("outcome").asText());
        assertEquals("java.lang.IllegalStateException", threw.get("exception").asText());

        // deny: the body never runs; the exception carries what the record says
        Denial deny = out.denied("deny");
        assertFalse(out.bodyRan("send_email bob@blocked.example"), why);
        assertEquals(
                new Denial(
                        "deny",
                        "deny",
                        "send_email",
                        deny.decisionId(),
                        List.of("blocked-destination"),
                        "destination is blocked"),
                deny);
        JsonNode denied = records.decision(deny.decisionId());
        assertEquals("bob@blocked.example", denied.get("arguments").get("to").asText());
        assertEquals("deny", denied.get("verdict").asText());
        assertTrue(denied.get("enforced").asBoolean());
        assertEquals("destination is blocked", denied.get("reason").asText());
        assertEquals(List.of("blocked-destination"), texts(denied.get("matched_rules")));
        assertTrue(records.outcome(deny.decisionId()).isEmpty(), "no outcome record for a denied call");

        // no rule matched: the policy default (deny)
        Denial fallback = out.denied("default");
        assertFalse(out.bodyRan("send_email carl@other.org"), why);
        assertEquals("deny", fallback.verdict());
        assertEquals(List.of(), fallback.matchedRules());
        assertEquals("no rule matched; the policy default is deny", fallback.reason());
        assertEquals(
                fallback.reason(),
                records.decision(fallback.decisionId()).get("reason").asText());

        // require_approval: denied at once, as this agent has no reviewer channel (no admin API)
        Denial approval = out.denied("approval");
        assertFalse(out.bodyRan("refund dora"), why);
        assertEquals("require_approval", approval.verdict());
        assertEquals("refund", approval.action());
        assertEquals(List.of("large-refund"), approval.matchedRules());
        assertTrue(approval.reason().contains("approval required"), approval.reason());
        assertTrue(approval.reason().contains("refunds over 100.00 need a second pair of eyes"), approval.reason());
        assertTrue(approval.reason().contains("no reviewer channel is configured"), approval.reason());
        assertTrue(
                run.took().compareTo(Duration.ofSeconds(30)) < 0,
                "denied at once, not after the approval timeout\n" + why);
        JsonNode approvalRecord = records.decision(approval.decisionId());
        assertEquals("require_approval", approvalRecord.get("verdict").asText());
        assertEquals(approval.reason(), approvalRecord.get("reason").asText());

        // every denial the application caught has a decision record with its id, and vice versa
        List<String> deniedIds = new ArrayList<>();
        for (String label : out.deniedLabels()) {
            deniedIds.add(out.denied(label).decisionId());
        }
        List<String> recordedDenials = records.decisions().stream()
                .filter(record -> !record.get("verdict").asText().equals("allow"))
                .map(record -> record.get("decision_id").asText())
                .toList();
        assertEquals(recordedDenials, deniedIds);
        assertEquals(
                List.of(
                        "send_email allow", // ann
                        "send_email deny", // bob, blocked
                        "send_email deny", // carl, the default
                        "send_email allow", // bounce, the body throws
                        "refund require_approval",
                        "place_order allow", // small
                        "place_order allow", // vip
                        "place_order deny", // big
                        "place_order deny", // embargo
                        "place_order require_approval", // urgent
                        "place_order deny", // coupon
                        "create_account allow",
                        "create_account deny"), // weak password
                records.verdicts(),
                "one decision record per governed call, in call order");
        assertEquals(
                List.of(
                        "send_email returned",
                        "send_email threw",
                        "place_order returned",
                        "place_order returned",
                        "create_account returned"),
                records.outcomeSummaries(),
                "one outcome record per allowed call");
    }

    @OnEveryJdk
    void decisionRecordsCarryEveryField(Jdk jdk) throws Exception {
        ForkedJvm.Run run = enforced(jdk).run();
        Records records = enforced(jdk).records();
        Path policy = enforced(jdk).policy();
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(policy)));
        long pid = Long.parseLong(run.output().fact("pid"));

        JsonNode first = records.records().get(0);
        assertEquals("0".repeat(64), first.get("prev_hash").asText(), "the first record links to the genesis hash");
        for (JsonNode record : records.decisions()) {
            assertAll(
                    record.toString(),
                    () -> assertEquals(
                            List.of(),
                            DECISION_FIELDS.stream()
                                    .filter(field -> !record.has(field))
                                    .toList(),
                            "missing fields"),
                    () -> assertEquals("decision", record.get("kind").asText()),
                    () -> assertFalse(record.get("decision_id").asText().isBlank()),
                    () -> Instant.parse(record.get("timestamp").asText()),
                    () -> assertEquals(
                            "it-verdicts-7", record.get("policy_version").asText()),
                    () -> assertEquals(sha256, record.get("policy_sha256").asText()),
                    () -> assertEquals("support-bot-7", record.get("actor").asText()),
                    () -> assertEquals("user-42", record.get("on_behalf_of").asText()),
                    () -> assertEquals("acme", record.get("tenant").asText()),
                    () -> assertEquals("it", record.get("environment").asText()),
                    () -> assertEquals(
                            "ticket 4711", record.get("caller_reason").asText()),
                    () -> assertTrue(record.get("arguments").isObject()),
                    () -> assertTrue(record.get("method")
                            .asText()
                            .matches("dev\\.actiongate\\.it\\.apps\\.VerdictsApp\\$\\w+#\\w+\\(.*\\)")),
                    () -> assertEquals(
                            VerdictsApp.class.getName(), record.get("service").asText()),
                    () -> assertFalse(record.get("host").asText().isBlank()),
                    () -> assertEquals(pid, record.get("pid").asLong()),
                    () -> assertEquals("main", record.get("thread").asText()),
                    () -> assertTrue(record.get("eval_ns").isIntegralNumber()
                            && record.get("eval_ns").asLong() >= 0),
                    () -> assertTrue(
                            HEX64.matcher(record.get("prev_hash").asText()).matches()),
                    () -> assertTrue(HEX64.matcher(record.get("hash").asText()).matches()));
        }
        for (int i = 1; i < records.size(); i++) {
            assertEquals(
                    records.records().get(i - 1).get("hash").asText(),
                    records.records().get(i).get("prev_hash").asText(),
                    "record " + (i + 1) + " links to its predecessor");
        }
        JsonNode send = records.decisionWithArgument("to", "ann@example.com");
        assertEquals(
                MAILER + "#send(java.lang.String,java.lang.String)",
                send.get("method").asText());
        assertEquals(
                new ObjectMapper().readTree("{\"to\":\"ann@example.com\",\"subject\":\"hello\"}"),
                send.get("arguments"),
                "arguments by parameter name");
        JsonNode order = records.decisionWithArgument("priority", "URGENT");
        assertEquals(
                "dev.actiongate.it.apps.VerdictsApp$Orders#place(dev.actiongate.it.apps.VerdictsApp$Order,"
                        + "java.util.List,java.util.Optional,dev.actiongate.it.apps.VerdictsApp$Priority)",
                order.get("method").asText());
    }

    @OnEveryJdk
    void sensitiveAndLongArgumentsAreMaskedInRecordsButNotInConditions(Jdk jdk) throws Exception {
        ForkedJvm.Run run = enforced(jdk).run();
        AppOutput out = run.output();
        Records records = enforced(jdk).records();

        JsonNode account = records.decisionWithArgument("user", "erin").get("arguments");
        assertEquals("***", account.get("password").asText(), "built-in sensitive name");
        assertEquals("***", account.get("internalNote").asText(), "listed under redact:");
        String bio = account.get("bio").asText();
        assertTrue(bio.startsWith("xxxxxxxxxx"), bio);
        assertTrue(bio.length() < 1_000, "a 10,000-char value is cut, was " + bio.length());
        assertTrue(bio.contains("10000"), "the summary names the original length: " + bio);
        String text = Files.readString(records.file());
        assertFalse(text.contains("s3cret-pass"), "the password never reaches the records file");
        assertFalse(text.contains("escalated twice"), "a redacted value never reaches the records file");
        assertFalse(text.contains("4111111111111111"), "a card number never reaches the records file");

        JsonNode order = records.decisionWithArgument("priority", "URGENT")
                .get("arguments")
                .get("order");
        assertEquals("***", order.get("cardNumber").asText(), "record component named cardNumber");
        assertEquals("o-5", order.get("id").asText(), "other components are kept");

        // the condition saw the real password: the weak one was denied by its rule
        Denial weak = out.denied("weak-password");
        assertEquals(List.of("accounts", "weak-password"), weak.matchedRules());
        assertEquals("weak password", weak.reason());
        assertEquals(
                "***",
                records.decision(weak.decisionId())
                        .get("arguments")
                        .get("password")
                        .asText());
        assertTrue(out.allowed("account"), run.describe());
    }

    @OnEveryJdk
    void recordsPojosEnumsListsAndOptionalsAreUsableInConditions(Jdk jdk) throws Exception {
        ForkedJvm.Run run = enforced(jdk).run();
        AppOutput out = run.output();
        String why = run.describe();

        assertTrue(out.allowed("order-small") && out.bodyRan("place_order o-1"), "record field amount <= 100: " + why);
        assertTrue(out.allowed("order-vip") && out.bodyRan("place_order o-2"), "list contains vip: " + why);
        Denial big = out.denied("order-big");
        assertEquals(List.of("big-order"), big.matchedRules(), "record amount > 100 and list without vip");
        Denial embargo = out.denied("order-embargo");
        assertEquals(List.of("small-order", "embargo"), embargo.matchedRules(), "POJO getter inside a record");
        assertEquals("deny", embargo.verdict(), "deny beats allow");
        Denial urgent = out.denied("order-urgent");
        assertEquals(List.of("small-order", "urgent"), urgent.matchedRules(), "enum by name");
        assertEquals("require_approval", urgent.verdict(), "require_approval beats allow");
        Denial coupon = out.denied("order-coupon");
        assertEquals(List.of("small-order", "free-coupon"), coupon.matchedRules(), "Optional by its value");
        for (String id : List.of("o-3", "o-4", "o-5", "o-6")) {
            assertFalse(out.bodyRan("place_order " + id), why);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}
