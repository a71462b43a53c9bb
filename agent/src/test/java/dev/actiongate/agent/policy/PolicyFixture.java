package dev.actiongate.agent.policy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** What the policy tests share: a policy read from YAML, and the CEL variables of one call as the gate builds them. */
final class PolicyFixture {

    private PolicyFixture() {}

    /** The policy {@code yaml} describes, as if read from a file {@code test.yaml}. */
    static Policy policy(String yaml) throws PolicyException {
        return new PolicyLoader().parse(Path.of("test.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
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
