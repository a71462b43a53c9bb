package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertEquals(PolicyLoader.sha256(yaml.getBytes(StandardCharsets.UTF_8)), policy.sha256());
    }

    @Test
    void missingFileNamesTheFile() throws Exception {
        PolicyException e = assertThrows(PolicyException.class,
                () -> new PolicyLoader().load(dir.resolve("nope.yaml")));
        assertTrue(e.getMessage().contains("nope.yaml: file not found"), e.getMessage());
    }

    @Test
    void badYamlNamesLineAndColumn() throws Exception {
        String message = problems("version: \"1\"\nrules:\n  - id: a\n    verdict: [allow\n");
        assertTrue(message.matches("(?s).*policy\\.yaml:\\d+:\\d+: not valid YAML.*"), message);
    }

    @Test
    void unknownVerdictNamesRuleAndLine() throws Exception {
        String message = problems("""
                version: "1"
                rules:
                  - id: a
                    verdict: maybe
                """);
        assertTrue(message.contains("policy.yaml:4:14: rule 'a': unknown verdict 'maybe'"), message);
    }

    @Test
    void duplicateIdIsRejected() throws Exception {
        String message = problems("""
                version: "1"
                rules:
                  - id: a
                    verdict: allow
                  - id: a
                    verdict: deny
                """);
        assertTrue(message.contains("policy.yaml:5:9: rule 'a': duplicate rule id 'a'"), message);
    }

    @Test
    void celSyntaxAndTypeErrorsNameTheRule() throws Exception {
        String message = problems("""
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
                """);
        assertTrue(message.contains("policy.yaml:4:11: rule 'syntax': condition 'args.to.endsWith(' does not compile"), message);
        assertTrue(message.contains("rule 'not-boolean'"), message);
        assertTrue(message.contains("rule 'unknown-variable'") && message.contains("request"), message);
    }

    @Test
    void unknownKeysAndMissingFieldsAreErrorsNotSilentlyIgnored() throws Exception {
        String message = problems("""
                version: "1"
                rule:
                  - id: a
                rules:
                  - id: b
                    verdict: allow
                    whn: 'false'
                  - verdict: deny
                  - id: c
                """);
        assertTrue(message.contains("unknown key 'rule'"), message);
        assertTrue(message.contains("rule 'b': unknown rule key 'whn'"), message);
        assertTrue(message.contains("rule '#2': rule has no 'id'"), message);
        assertTrue(message.contains("rule 'c': rule has no 'verdict'"), message);
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
        assertTrue(message.contains("after_denials must be a whole number of at least 1"), message);
        assertTrue(message.contains("within must be a duration such as 30s, 10m or 1h, not 'soon'"), message);
        assertTrue(message.contains("unknown escalation key 'withn'"), message);
    }

    @Test
    void escalateIsNotARuleVerdict() throws Exception {
        assertTrue(problems("version: \"1\"\nrules:\n  - id: a\n    verdict: escalate\n").contains("unknown verdict 'escalate'"));
    }

    @Test
    void versionIsRequired() throws Exception {
        assertTrue(problems("rules: []\n").contains("'version' is required"));
    }

    @Test
    void emptyFileIsRejected() throws Exception {
        assertTrue(problems("").contains("must be a YAML mapping"));
    }
}
