package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the policy tests share: a policy read from YAML, the problems of one that is refused, and
 * the CEL variables of one call as the gate builds them.
 */
final class PolicyFixture {

    private PolicyFixture() {}

    /** The policy {@code yaml} describes, as if read from a file {@code policy.yaml}. */
    static Policy policy(String yaml) throws PolicyException {
        return new PolicyLoader().parse(Path.of("policy.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
    }

    /** What the loader finds wrong with {@code yaml}, read as {@link #policy} reads it, a problem a line. */
    static String problems(String yaml) {
        PolicyException e = assertThrows(PolicyException.class, () -> policy(yaml));
        return String.join("\n", e.problems());
    }

    /** Fails the test unless {@code problems} includes each of {@code expected}. */
    static void assertIncludesEach(String problems, String... expected) {
        for (String problem : expected) {
            assertTrue(problems.contains(problem), () -> "no '" + problem + "' in:\n" + problems);
        }
    }

    /** The variables of a call to {@code action} with {@code args}, by no one in particular. */
    static Map<String, Object> variables(String action, Map<String, Object> args) {
        return variables(action, args, "", "");
    }

    /** The variables of a call to {@code action} with {@code args} for {@code tenant} in {@code environment}. */
    static Map<String, Object> variables(String action, Map<String, Object> args, String tenant, String environment) {
        Map<String, Object> ctx = Map.of(
                "actor",
                "",
                "on_behalf_of",
                "",
                "tenant",
                tenant,
                "environment",
                environment,
                "reason",
                "",
                "attributes",
                Map.of());
        return Map.of("action", action, "args", args, "ctx", ctx, "method", Map.of("class", "C", "name", "m"));
    }
}
