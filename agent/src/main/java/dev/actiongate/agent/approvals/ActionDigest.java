package dev.actiongate.agent.approvals;

import dev.actiongate.agent.digest.Sha256;
import dev.actiongate.agent.records.CanonicalJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an approval is bound to: SHA-256 of the canonical JSON (sorted keys, no insignificant
 * whitespace) of the action, who asks, where, the full arguments and the policy version. A call
 * that differs in any of them needs its own approval.
 */
public final class ActionDigest {

    private ActionDigest() {}

    /** @param arguments the call's full arguments as the policy saw them (not the masked summary) */
    public static String of(
            String action,
            String actor,
            String onBehalfOf,
            String tenant,
            String environment,
            Map<String, Object> arguments,
            String policyVersion) {
        Map<String, Object> asked = new LinkedHashMap<>(8);
        asked.put("action", action);
        asked.put("actor", actor);
        asked.put("arguments", arguments);
        asked.put("environment", environment);
        asked.put("on_behalf_of", onBehalfOf);
        asked.put("policy_version", policyVersion);
        asked.put("tenant", tenant);
        return Sha256.hex(CanonicalJson.bytes(asked));
    }
}
