package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyLoaderTest {

    @TempDir
    Path dir;

    private Policy load(String yaml) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, yaml);
        return new PolicyLoader().load(file);
    }

    private String problems(String yaml) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, yaml);
        PolicyException e = assertThrows(PolicyException.class, () -> new PolicyLoader().load(file));
        return String.join("\n", e.problems());
    }

    /** Loads {@code yaml}, which must be refused, and checks that its problems include each of {@code expected}. */
    private void assertProblems(String yaml, String... expected) throws Exception {
        PolicyFixture.assertIncludesEach(problems(yaml), expected);
    }

    @Test
    void loadsAValidPolicyWithDefaults() throws Exception {
        String yaml = """
                version: "2026-11-24.1"
                rules:
                  - id: blocked-destination
                    action: send_customer_email
                    when: 'args.to.endsWith("@blocked.example")'
                    verdict: deny
                    reason: "destination is blocked"
                """;
        Policy policy = load(yaml);
        assertEquals("2026-11-24.1", policy.version());
        assertEquals(Verdict.DENY, policy.defaultVerdict(), "default is deny when omitted");
        assertEquals(Mode.ENFORCE, policy.mode());
        assertEquals(1, policy.rules().size());
        assertEquals(3, policy.rules().get(0).line());
        // Computed here, not with the agent's own helper, so that a wrong hash cannot agree with itself.
        assertEquals(
                java.util.HexFormat.of()
                        .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                .digest(yaml.getBytes(StandardCharsets.UTF_8))),
                policy.sha256());
    }

    @Test
    void missingFileNamesTheFile() throws Exception {
        PolicyException e =
                assertThrows(PolicyException.class, () -> new PolicyLoader().load(dir.resolve("nope.yaml")));
        assertTrue(e.getMessage().contains("nope.yaml: file not found"), e.getMessage());
    }

    /** Policies with one mistake each, and what the problem says: where it is and what is wrong. */
    static Stream<Arguments> oneMistake() {
        return Stream.of(
                Arguments.of(
                        "unknownVerdictNamesRuleAndLine", """
                        version: "1"
                        rules:
                          - id: a
                            verdict: maybe
                        """, "policy.yaml:4:14: rule 'a': unknown verdict 'maybe'"),
                Arguments.of("duplicateIdIsRejected", """
                        version: "1"
                        rules:
                          - id: a
                            verdict: allow
                          - id: a
                            verdict: deny
                        """, "policy.yaml:5:9: rule 'a': duplicate rule id 'a'"),
                Arguments.of(
                        "escalateIsNotARuleVerdict",
                        "version: \"1\"\nrules:\n  - id: a\n    verdict: escalate\n",
                        "unknown verdict 'escalate'"),
                Arguments.of("versionIsRequired", "rules: []\n", "'version' is required"),
                Arguments.of("emptyFileIsRejected", "", "must be a YAML mapping"),
                Arguments.of(
                        "aSecondDocumentInTheFileIsAnError",
                        """
                        version: "1"
                        default: deny
                        rules: []
                        ---
                        default: allow
                        """,
                        "policy.yaml:5:1: a second YAML document starts here"),
                Arguments.of(
                        "aYamlAliasIsAnErrorRatherThanTheAnchorsName",
                        """
                        version: "1"
                        rules:
                          - id: a
                            action: &pay pay
                            verdict: allow
                          - id: b
                            action: *pay
                            verdict: deny
                        """,
                        "policy.yaml:7:13: not valid YAML: YAML aliases (*pay) are not allowed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneMistake")
    void aMistakeIsNamedWithWhereItIs(String what, String yaml, String problem) throws Exception {
        assertProblems(yaml, problem);
    }

    @Test
    void badYamlNamesLineAndColumn() throws Exception {
        String message = problems("version: \"1\"\nrules:\n  - id: a\n    verdict: [allow\n");
        assertTrue(message.matches("(?s).*policy\\.yaml:\\d+:\\d+: not valid YAML.*"), message);
    }

    @Test
    void celSyntaxAndTypeErrorsNameTheRule() throws Exception {
        assertProblems(
                """
                version: "1"
                rules:
                  - id: syntax
                    when: 'args.to.endsWith('
                    verdict: deny
                  - id: not-boolean
                    when: 'args.to + "x"'
                    verdict: deny
                  - id: unknown-variable
                    when: 'request.to == "x"'
                    verdict: deny
                """,
                "policy.yaml:4:11: rule 'syntax': condition 'args.to.endsWith(' does not compile",
                "rule 'not-boolean'",
                "rule 'unknown-variable'",
                "request");
    }

    /** Moved here from the forked FailClosedTest, which keeps one CEL compile error end to end. */
    @Test
    void aCelOverloadErrorNamesTheRuleTheLineAndTheOperator() throws Exception {
        String noOverload = problems("""
                version: "1"
                rules:
                  - id: bad-sum
                    when: '1 + "a" == "1a"'
                    verdict: allow
                """);
        assertTrue(
                noOverload.matches("(?s).*policy\\.yaml:4:11: rule 'bad-sum': condition '1 \\+ \"a\" == \"1a\"'"
                        + " does not compile: CEL 1:\\d+: found no matching overload for '_\\+_'.*"),
                noOverload);
    }

    @Test
    void unknownKeysAndMissingFieldsAreErrorsNotSilentlyIgnored() throws Exception {
        assertProblems(
                """
                version: "1"
                rule:
                  - id: a
                rules:
                  - id: b
                    verdict: allow
                    whn: 'false'
                  - verdict: deny
                  - id: c
                """,
                "unknown key 'rule'",
                "rule 'b': unknown rule key 'whn'",
                "rule '#2': rule has no 'id'",
                "rule 'c': rule has no 'verdict'");
    }

    @Test
    void escalationIsReadAndCheckedStrictly() throws Exception {
        Policy policy = load("""
                version: "1"
                escalation:
                  after_denials: 3
                  within: 10m
                rules: []
                """);
        assertEquals(3, policy.escalation().afterDenials());
        assertEquals(java.time.Duration.ofMinutes(10), policy.escalation().within());
        String message = problems("""
                version: "1"
                escalation:
                  after_denials: 0
                  within: soon
                  withn: 1m
                """);
        // Each problem points at its own key's line, not at the escalation: block's.
        assertTrue(
                message.matches(
                        "(?s).*policy\\.yaml:3:\\d+: escalation\\.after_denials must be a whole number of at least 1.*"),
                message);
        assertTrue(
                message.matches(
                        "(?s).*policy\\.yaml:4:\\d+: escalation\\.within must be a duration such as 30s, 10m or 1h,"
                                + " not 'soon'.*"),
                message);
        assertTrue(message.matches("(?s).*policy\\.yaml:5:\\d+: unknown escalation key 'withn'.*"), message);
    }

    @Test
    void approversAreExpandedFromGroupsDeclaredAnywhereInTheFile() throws Exception {
        Policy policy = load("""
                version: "1"
                rules:
                  - id: refunds
                    action: refund
                    verdict: require_approval
                    approvers: [alice, group:leads]
                    approval_timeout: 30s
                    approval: fail_fast
                groups:
                  leads: [bob, carol]
                """);
        ApprovalRequirement approval = policy.rules().get(0).approval();
        assertEquals(java.util.List.of("alice", "group:leads"), approval.approvers());
        assertEquals(java.util.Set.of("alice", "bob", "carol"), approval.reviewers());
        assertEquals(java.time.Duration.ofSeconds(30), approval.timeout());
        assertTrue(approval.failFast());
    }

    @Test
    void approvalMistakesAreNamedWithTheirRule() throws Exception {
        // Pointed at the member itself, not at groups:, and shown without JSON quotes inside the quotes.
        assertProblems(
                """
                version: "1"
                default: require_approval
                groups:
                  leads: [bob, group:other]
                rules:
                  - id: no-approvers
                    verdict: require_approval
                  - id: unknown-group
                    verdict: require_approval
                    approvers: [group:nobody]
                  - id: approvers-on-deny
                    verdict: deny
                    approvers: [alice]
                  - id: bad-values
                    verdict: require_approval
                    approvers: [alice]
                    approval_timeout: soon
                    approval: later
                """,
                "policy.yaml:2:10: the default cannot be require_approval",
                "policy.yaml:4:16: group 'leads' member 'group:other' must be a reviewer name",
                "rule 'no-approvers': a require_approval rule must name who may approve",
                "rule 'unknown-group': approver 'group:nobody' names a group that 'groups:' does not define",
                "rule 'approvers-on-deny': 'approvers' only applies to a rule with verdict require_approval",
                "rule 'bad-values': approval_timeout must be a duration",
                "rule 'bad-values': unknown approval 'later' (expected wait or fail_fast)");
    }

    @Test
    void governEntriesAreReadBeforeTheRestAndCheckedWithIt() throws Exception {
        String yaml = """
                version: "1"
                govern:
                  - method: "jakarta.mail.Transport#send(jakarta.mail.Message)"
                    action: send_any_email
                  - method: "com.acme.Mailer#send"
                    action: send_customer_email
                  - annotation: "dev.langchain4j.agent.tool.Tool"
                    action_from: name_or_method
                rules: []
                """;
        Policy policy = load(yaml);
        assertEquals(3, policy.govern().size());
        GovernEntry transport = policy.govern().get(0);
        assertEquals("jakarta.mail.Transport", transport.className());
        assertEquals(java.util.List.of("jakarta.mail.Message"), transport.parameterTypes());
        assertEquals(null, policy.govern().get(1).parameterTypes(), "no parameter list: every overload");
        assertEquals(
                GovernEntry.ActionFrom.NAME_OR_METHOD, policy.govern().get(2).actionFrom());
        assertEquals(
                java.util.List.of(3, 5, 7),
                policy.govern().stream().map(GovernEntry::line).toList(),
                "each entry knows its own line, for the warnings about it");
        assertEquals(policy.govern(), PolicyLoader.governEntries(dir.resolve("policy.yaml")));

        assertProblems(
                """
                version: "1"
                govern:
                  - method: "Mailer.send"
                    action: x
                  - method: "com.acme.Mailer#send"
                  - annotation: "com.acme.Tool"
                    method: "com.acme.Mailer#send"
                  - annotation: "com.acme.Tool"
                    action_from: guess
                  - method: "com.acme.Mailer#send"
                    action: x
                    when: always
                rules: []
                """,
                "policy.yaml:3:5: govern entry #1: method 'Mailer.send' is not Class#method",
                "govern entry #2 (com.acme.Mailer#send) needs an 'action' name",
                "govern entry #3 must have exactly one of 'method' and 'annotation'",
                "govern entry #4: unknown action_from 'guess'",
                "govern entry #5: unknown key 'when'");
    }

    @Test
    void governEntriesAreTheParsedDocumentsWhateverTheSyntax() throws Exception {
        java.util.List<String> texts = java.util.List.of(
                "version: \"1\"\ngovern:\n  - method: \"com.acme.Mailer#send\"\n    action: send_mail\nrules: []\n",
                "version: \"1\"\ngovern :\n  - method: \"com.acme.Mailer#send\"\n    action: send_mail\nrules: []\n",
                "version: \"1\"\n\"govern\":\n  - method: \"com.acme.Mailer#send\"\n    action: send_mail\nrules: []\n",
                "version: \"1\"\n'govern': [{method: \"com.acme.Mailer#send\", action: send_mail}]\nrules: []\n",
                "{\"version\": \"1\",\n \"govern\": [{\"method\": \"com.acme.Mailer#send\", \"action\": \"send_mail\"}],\n"
                        + " \"rules\": []}\n",
                "version: \"1\"\n\"gov\\x65rn\": [{method: \"com.acme.Mailer#send\", action: send_mail}]\nrules: []\n");
        for (String text : texts) {
            Policy policy = load(text);
            assertEquals(1, policy.govern().size(), text);
            GovernEntry entry = policy.govern().get(0);
            assertEquals("com.acme.Mailer", entry.className(), text);
            assertEquals("send_mail", entry.action(), text);
            assertEquals(policy.govern(), PolicyLoader.governEntries(dir.resolve("policy.yaml")), text);
            assertEquals(
                    policy.govern(), PolicySource.of(dir.resolve("policy.yaml")).governEntries(), text);
        }
    }

    @Test
    void duplicateKeysAtTheTopLevelNameBothLines() throws Exception {
        String message = problems("""
                version: "1"
                default: deny
                rules: []
                default: allow
                """);
        assertEquals(
                "%s:4:1: duplicate key 'default' (first at line 2)".formatted(dir.resolve("policy.yaml")), message);
    }

    @Test
    void duplicateKeysInARuleNameTheRuleAndBothLines() throws Exception {
        assertProblems(
                """
                version: "1"
                rules:
                  - id: x
                    action: refund
                    when: 'args.amount > 100.0'
                    verdict: deny
                    when: 'false'
                  - id: y
                    verdict: allow
                    verdict: deny
                    when: {a: 1, a: 2}
                """,
                "policy.yaml:7:5: rule 'x': duplicate key 'when' (first at line 5)",
                "policy.yaml:10:5: rule 'y': duplicate key 'verdict' (first at line 9)",
                "policy.yaml:11:18: rule 'y': duplicate key 'a' in when (first at line 11)");
    }

    @Test
    void duplicateKeysInGroupsEscalationAndGovernEntriesNameBothLines() throws Exception {
        assertProblems(
                """
                version: "1"
                groups:
                  leads: [alice]
                  support: [bob]
                  leads: [mallory]
                escalation:
                  after_denials: 3
                  within: 10m
                  within: 1d
                govern:
                  - method: "com.acme.Mailer#send"
                    action: send_mail
                    action: anything
                rules: []
                """,
                "policy.yaml:5:3: duplicate key 'leads' in groups (first at line 3)",
                "policy.yaml:9:3: duplicate key 'within' in escalation (first at line 8)",
                "policy.yaml:13:5: govern entry #1: duplicate key 'action' (first at line 12)");
    }

    @Test
    void duplicateKeysInJsonNameBothLines() throws Exception {
        assertProblems(
                """
                {
                  "version": "1",
                  "default": "deny",
                  "rules": [
                    {"id": "x",
                     "when": "args.amount > 100.0",
                     "verdict": "deny",
                     "when": "false"}
                  ],
                  "default": "allow"
                }
                """,
                "policy.yaml:8:6: rule 'x': duplicate key 'when' (first at line 6)",
                "policy.yaml:10:3: duplicate key 'default' (first at line 3)");
    }
}
