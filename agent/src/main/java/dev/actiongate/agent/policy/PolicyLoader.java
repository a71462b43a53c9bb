package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.agent.config.Durations;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a policy document ({@link PolicyTree}) and every condition in it. Either the whole
 * file is usable or a {@link PolicyException} lists every problem with its line and column;
 * there is no partial policy.
 */
public final class PolicyLoader {

    private static final Set<String> TOP_LEVEL_KEYS = Set.of("version", "default", "mode", "redact", "rules", "escalation",
            "groups", "govern", "enabled");
    private static final Set<String> GOVERN_KEYS = Set.of("method", "annotation", "action", "action_from");
    private static final java.util.regex.Pattern METHOD_ENTRY = java.util.regex.Pattern.compile(
            "([\\p{L}_$][\\p{L}\\p{N}_$]*(?:\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*)#([\\p{L}_$][\\p{L}\\p{N}_$]*)"
                    + "(?:\\(([^()]*)\\))?");
    private static final Set<String> ESCALATION_KEYS = Set.of("after_denials", "within");
    private static final Set<String> RULE_KEYS = Set.of("id", "action", "when", "verdict", "reason", "approvers",
            "approval_timeout", "approval");
    private static final String GROUP_PREFIX = "group:";

    /** Loads and compiles {@code file}. */
    public Policy load(Path file) throws PolicyException {
        return PolicySource.of(file).compile();
    }

    /** Compiles a policy from {@code bytes}; {@code file} is only used in messages and records. */
    public Policy parse(Path file, byte[] bytes) throws PolicyException {
        return compile(file, bytes, PolicyTree.parse(bytes));
    }

    /** Compiles the parsed {@code tree} of {@code bytes}. */
    Policy compile(Path file, byte[] bytes, PolicyTree tree) throws PolicyException {
        Problems problems = new Problems(file);
        String version = null;
        Verdict defaultVerdict = Verdict.DENY;
        Mode mode = Mode.ENFORCE;
        boolean enabled = true;
        Set<String> redact = new LinkedHashSet<>();
        List<Rule> rules = new ArrayList<>();
        Escalation escalation = null;
        Map<String, Set<String>> groups = new LinkedHashMap<>();
        List<GovernEntry> govern = new ArrayList<>();
        duplicates(tree, problems);
        PolicyTree.Node root = tree.root();
        if (tree.syntax() != null) {
            problems.add(tree.syntax().at(), null, tree.syntax().message());
        } else if (root == null || !root.isMap()) {
            problems.add(1, 1, null, "the policy must be a YAML mapping with at least 'version' and 'rules'");
        } else {
            for (PolicyTree.Field field : root.fields().values()) {
                String key = field.key();
                PolicyTree.Node value = field.value();
                JsonLocation at = value.at();
                JsonNode node = value.json();
                switch (key) {
                    case "version" -> {
                        version = scalar(node);
                        if (version == null || version.isBlank()) {
                            problems.add(at, null, "'version' must be a non-empty string");
                            version = null;
                        }
                    }
                    case "default" -> {
                        String text = scalar(node);
                        Verdict parsed = Verdict.parse(text);
                        if (parsed == Verdict.REQUIRE_APPROVAL) {
                            problems.add(at, null, "the default cannot be require_approval: no rule would name"
                                    + " its approvers; write a rule with verdict require_approval and approvers");
                        } else if (parsed == null) {
                            problems.add(at, null, "unknown default verdict '" + text + "' (expected allow or deny)");
                        } else {
                            defaultVerdict = parsed;
                        }
                    }
                    case "mode" -> {
                        String text = scalar(node);
                        if ("enforce".equals(text)) {
                            mode = Mode.ENFORCE;
                        } else if ("monitor".equals(text)) {
                            mode = Mode.MONITOR;
                        } else {
                            problems.add(at, null, "unknown mode '" + text + "' (expected enforce or monitor)");
                        }
                    }
                    case "enabled" -> {
                        if (!node.isBoolean()) {
                            problems.add(at, null, "'enabled' must be true or false, not '" + node.asText() + "'");
                        } else {
                            enabled = node.booleanValue();
                        }
                    }
                    case "redact" -> {
                        if (!node.isArray()) {
                            problems.add(at, null, "'redact' must be a list of argument key names");
                        } else {
                            node.forEach(item -> redact.add(item.asText().toLowerCase(Locale.ROOT)));
                        }
                    }
                    case "rules" -> readRules(value, problems, rules);
                    case "escalation" -> escalation = escalation(node, at, problems);
                    case "groups" -> groups(node, at, problems, groups);
                    case "govern" -> readGovern(value, problems, govern);
                    default -> problems.add(field.keyAt(), null, "unknown key '" + key + "' (known keys: "
                            + String.join(", ", sorted(TOP_LEVEL_KEYS)) + ")");
                }
            }
        }
        if (version == null && problems.isEmpty()) {
            problems.add(1, 1, null, "'version' is required");
        }
        // Groups may come after the rules in the file, so approvers are resolved once all is read.
        rules.replaceAll(rule -> resolveApprovers(rule, groups, problems));

        if (!problems.isEmpty()) {
            throw problems.exception();
        }
        return new Policy(file, version, sha256(bytes), defaultVerdict, mode, rules, redact, escalation, govern, enabled);
    }

    /**
     * Every key given twice, at the second one, naming the first: Jackson would keep the last
     * and a rule's second {@code when:} would silently replace its first.
     */
    private static void duplicates(PolicyTree tree, Problems problems) {
        for (PolicyTree.Duplicate duplicate : tree.duplicates()) {
            List<Object> path = duplicate.path();
            String rule = null;
            String prefix = "";
            int rest = 0;
            if (path.size() >= 2 && "rules".equals(path.get(0)) && path.get(1) instanceof Integer index) {
                rule = ruleLabel(tree, index);
                rest = 2;
            } else if (path.size() >= 2 && "govern".equals(path.get(0)) && path.get(1) instanceof Integer index) {
                prefix = "govern entry #" + (index + 1) + ": ";
                rest = 2;
            }
            String where = describe(path.subList(rest, path.size()));
            problems.add(duplicate.at(), rule, prefix + "duplicate key '" + duplicate.key() + "'"
                    + (where.isEmpty() ? "" : " in " + where)
                    + " (first at line " + (duplicate.firstAt() == null ? "?" : duplicate.firstAt().getLineNr()) + ")");
        }
    }

    /** How problems name rule number {@code index} (from 0): its id, or its position. */
    private static String ruleLabel(PolicyTree tree, int index) {
        PolicyTree.Node root = tree.root();
        PolicyTree.Field rules = root == null ? null : root.fields().get("rules");
        if (rules != null && index < rules.value().items().size()) {
            PolicyTree.Field id = rules.value().items().get(index).fields().get("id");
            String text = id == null ? null : scalar(id.value().json());
            if (text != null && !text.isBlank()) {
                return text;
            }
        }
        return "#" + (index + 1);
    }

    /** {@code escalation}, {@code approvers[2]}, {@code a.b}: where in the document a key is. */
    private static String describe(List<Object> path) {
        StringBuilder where = new StringBuilder();
        for (Object step : path) {
            if (step instanceof Integer index) {
                where.append('[').append(index + 1).append(']');
            } else {
                where.append(where.length() == 0 ? "" : ".").append(step);
            }
        }
        return where.toString();
    }

    private void readRules(PolicyTree.Node list, Problems problems, List<Rule> rules) {
        if (!list.isList()) {
            problems.add(list.at(), null, "'rules' must be a list of rules");
            return;
        }
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (PolicyTree.Node item : list.items()) {
            index++;
            JsonLocation ruleAt = item.at();
            if (!item.isMap()) {
                problems.add(ruleAt, null, "rule #" + index + " must be a mapping with id, verdict and optional action, when, reason");
                continue;
            }
            Map<String, JsonNode> fields = new LinkedHashMap<>();
            Map<String, JsonLocation> locations = new LinkedHashMap<>();
            Map<String, JsonLocation> keyLocations = new LinkedHashMap<>();
            for (PolicyTree.Field field : item.fields().values()) {
                keyLocations.put(field.key(), field.keyAt());
                locations.put(field.key(), field.value().at());
                fields.put(field.key(), field.value().json());
            }
            Rule rule = compileRule(index, ruleAt, fields, locations, keyLocations, ids, problems);
            if (rule != null) {
                rules.add(rule);
            }
        }
    }

    private Rule compileRule(int index, JsonLocation ruleAt, Map<String, JsonNode> fields,
                             Map<String, JsonLocation> locations, Map<String, JsonLocation> keyLocations,
                             Set<String> ids, Problems problems) {
        String id = scalar(fields.get("id"));
        String label = id == null ? "#" + index : id;
        int before = problems.size();
        for (String key : fields.keySet()) {
            if (!RULE_KEYS.contains(key)) {
                problems.add(keyLocations.get(key), label, "unknown rule key '" + key + "' (known keys: " + String.join(", ", sorted(RULE_KEYS)) + ")");
            }
        }
        if (id == null || id.isBlank()) {
            problems.add(ruleAt, label, "rule has no 'id'");
        } else if (!ids.add(id)) {
            problems.add(locations.get("id"), label, "duplicate rule id '" + id + "'");
        }
        String verdictText = scalar(fields.get("verdict"));
        Verdict verdict = Verdict.parse(verdictText);
        if (verdictText == null) {
            problems.add(ruleAt, label, "rule has no 'verdict' (expected allow, deny or require_approval)");
        } else if (verdict == null) {
            problems.add(locations.get("verdict"), label, "unknown verdict '" + verdictText + "' (expected allow, deny or require_approval)");
        }
        String action = scalar(fields.get("action"));
        if (fields.containsKey("action") && (action == null || action.isBlank())) {
            problems.add(locations.get("action"), label, "'action' must be an action name or glob such as send_*");
        }
        String when = scalar(fields.get("when"));
        Conditions.Compiled compiled = null;
        if (fields.containsKey("when")) {
            if (when == null || when.isBlank()) {
                problems.add(locations.get("when"), label, "'when' must be a CEL expression");
            } else {
                compiled = Conditions.compile(when);
                for (String error : compiled.errors()) {
                    problems.add(locations.get("when"), label, "condition '" + when + "' does not compile: " + error);
                }
            }
        }
        String reason = scalar(fields.get("reason"));
        ApprovalRequirement approval = approval(verdict, label, ruleAt, fields, locations, problems);
        if (problems.size() > before) {
            return null;
        }
        return new Rule(id, action, when, verdict, reason == null ? "rule '" + id + "' matched" : reason,
                ruleAt.getLineNr(), Rule.glob(action), compiled == null ? null : compiled.program(), approval);
    }

    /**
     * A require_approval rule's {@code approvers}, {@code approval_timeout} and {@code approval};
     * groups are expanded later, once the whole file is read.
     */
    private static ApprovalRequirement approval(Verdict verdict, String label, JsonLocation ruleAt,
                                                Map<String, JsonNode> fields, Map<String, JsonLocation> locations,
                                                Problems problems) {
        if (verdict != Verdict.REQUIRE_APPROVAL) {
            for (String key : List.of("approvers", "approval_timeout", "approval")) {
                if (fields.containsKey(key)) {
                    problems.add(locations.get(key), label, "'" + key + "' only applies to a rule with verdict require_approval");
                }
            }
            return null;
        }
        JsonNode approvers = fields.get("approvers");
        List<String> names = new ArrayList<>();
        if (approvers == null) {
            problems.add(ruleAt, label, "a require_approval rule must name who may approve, for example"
                    + " approvers: [alice, group:support-leads]");
        } else if (!approvers.isArray() || approvers.isEmpty()) {
            problems.add(locations.get("approvers"), label, "'approvers' must be a non-empty list of reviewer names"
                    + " and group:NAME entries");
        } else {
            for (JsonNode item : approvers) {
                String name = scalar(item);
                if (name == null || name.isBlank() || name.equals(GROUP_PREFIX)) {
                    problems.add(locations.get("approvers"), label, "approver '" + item + "' is not a reviewer name or group:NAME");
                } else if (!names.contains(name.trim())) {
                    names.add(name.trim());
                }
            }
        }
        Duration timeout = null;
        if (fields.containsKey("approval_timeout")) {
            String text = scalar(fields.get("approval_timeout"));
            timeout = text == null ? null : Durations.parse(text);
            if (timeout == null) {
                problems.add(locations.get("approval_timeout"), label,
                        "approval_timeout must be a duration such as 30s, 5m or 1h, not '" + text + "'");
            }
        }
        boolean failFast = false;
        if (fields.containsKey("approval")) {
            String text = scalar(fields.get("approval"));
            if ("fail_fast".equals(text)) {
                failFast = true;
            } else if (!"wait".equals(text)) {
                problems.add(locations.get("approval"), label, "unknown approval '" + text + "' (expected wait or fail_fast)");
            }
        }
        return new ApprovalRequirement(names, Set.of(), timeout, failFast);
    }

    /** Expands {@code group:NAME} approvers with the policy's {@code groups:}. */
    private static Rule resolveApprovers(Rule rule, Map<String, Set<String>> groups, Problems problems) {
        ApprovalRequirement approval = rule.approval();
        if (approval == null) {
            return rule;
        }
        Set<String> reviewers = new LinkedHashSet<>();
        for (String name : approval.approvers()) {
            if (!name.startsWith(GROUP_PREFIX)) {
                reviewers.add(name);
                continue;
            }
            Set<String> members = groups.get(name.substring(GROUP_PREFIX.length()));
            if (members == null) {
                problems.add(rule.line(), 1, rule.id(), "approver '" + name + "' names a group that 'groups:' does not define"
                        + (groups.isEmpty() ? "" : " (defined: " + String.join(", ", groups.keySet()) + ")"));
            } else {
                reviewers.addAll(members);
            }
        }
        return new Rule(rule.id(), rule.action(), rule.when(), rule.verdict(), rule.reason(), rule.line(),
                rule.actionPattern(), rule.condition(),
                new ApprovalRequirement(approval.approvers(), reviewers, approval.timeout(), approval.failFast()));
    }

    /**
     * Reads only the {@code govern:} entries of a policy file, without compiling anything; a
     * file that cannot be read yields none, and its full load says why.
     */
    public static List<GovernEntry> governEntries(Path file) {
        return file == null ? List.of() : PolicySource.of(file).governEntries();
    }

    /**
     * The well-formed {@code govern:} entries of {@code tree}. Every entry that is well-formed is
     * instrumented even when another is not: the broken policy then denies those calls, where
     * skipping them would let them run.
     */
    static List<GovernEntry> governEntries(Path file, PolicyTree tree) {
        List<GovernEntry> govern = new ArrayList<>();
        PolicyTree.Node root = tree.root();
        PolicyTree.Field field = root == null ? null : root.fields().get("govern");
        if (field != null) {
            readGovern(field.value(), new Problems(file), govern);
        }
        return govern;
    }

    private static void readGovern(PolicyTree.Node list, Problems problems, List<GovernEntry> govern) {
        if (!list.isList()) {
            problems.add(list.at(), null, "'govern' must be a list of {method: \"com.acme.Mailer#send\", action: ...} or"
                    + " {annotation: \"com.acme.Tool\", action_from: name_or_method} entries");
            return;
        }
        int index = 0;
        for (PolicyTree.Node item : list.items()) {
            index++;
            // Each entry's own place in the file, for its problems and its warnings later.
            JsonLocation entryAt = item.at();
            JsonNode entry = item.json();
            String label = "govern entry #" + index;
            if (!entry.isObject()) {
                problems.add(entryAt, null, label + " must be a mapping with method or annotation");
                continue;
            }
            entry.fieldNames().forEachRemaining(key -> {
                if (!GOVERN_KEYS.contains(key)) {
                    problems.add(entryAt, null, label + ": unknown key '" + key + "' (known keys: "
                            + String.join(", ", sorted(GOVERN_KEYS)) + ")");
                }
            });
            String method = scalar(entry.get("method"));
            String annotation = scalar(entry.get("annotation"));
            String action = scalar(entry.get("action"));
            String from = scalar(entry.get("action_from"));
            GovernEntry.ActionFrom actionFrom = null;
            if (from != null) {
                actionFrom = switch (from) {
                    case "name_or_method" -> GovernEntry.ActionFrom.NAME_OR_METHOD;
                    case "method" -> GovernEntry.ActionFrom.METHOD;
                    default -> {
                        problems.add(entryAt, null, label + ": unknown action_from '" + from + "' (expected name_or_method or method)");
                        yield null;
                    }
                };
            }
            if ((method == null) == (annotation == null)) {
                problems.add(entryAt, null, label + " must have exactly one of 'method' and 'annotation'");
                continue;
            }
            if (action != null && from != null) {
                problems.add(entryAt, null, label + ": give either 'action' or 'action_from', not both");
                continue;
            }
            if (action != null && action.isBlank()) {
                problems.add(entryAt, null, label + ": 'action' must not be blank");
                continue;
            }
            int line = entryAt == null ? 0 : entryAt.getLineNr();
            if (method != null) {
                java.util.regex.Matcher m = METHOD_ENTRY.matcher(method.trim());
                if (!m.matches()) {
                    problems.add(entryAt, null, label + ": method '" + method + "' is not Class#method or"
                            + " Class#method(param.Type, ...) with fully qualified names");
                    continue;
                }
                if (action == null && actionFrom == null) {
                    problems.add(entryAt, null, label + " (" + method + ") needs an 'action' name");
                    continue;
                }
                List<String> parameters = null;
                if (m.group(3) != null) {
                    parameters = new ArrayList<>();
                    for (String type : m.group(3).split(",")) {
                        if (!type.isBlank()) {
                            parameters.add(type.trim());
                        }
                    }
                }
                govern.add(new GovernEntry(method.trim(), m.group(1), m.group(2), parameters, null, action,
                        actionFrom == null ? GovernEntry.ActionFrom.METHOD : actionFrom, line));
            } else {
                if (annotation.isBlank() || annotation.contains("#")) {
                    problems.add(entryAt, null, label + ": annotation '" + annotation + "' must be an annotation type's"
                            + " fully qualified name");
                    continue;
                }
                govern.add(new GovernEntry("@" + annotation.trim(), null, null, null, annotation.trim(), action,
                        actionFrom == null ? GovernEntry.ActionFrom.NAME_OR_METHOD : actionFrom, line));
            }
        }
    }

    /** {@code groups: {support-leads: [alice, bob]}}: reviewer groups that approvers may name. */
    private static void groups(JsonNode node, JsonLocation at, Problems problems, Map<String, Set<String>> groups) {
        if (!node.isObject()) {
            problems.add(at, null, "'groups' must map each group name to a list of reviewer names");
            return;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode members = entry.getValue();
            if (!members.isArray() || members.isEmpty()) {
                problems.add(at, null, "group '" + entry.getKey() + "' must be a non-empty list of reviewer names");
                continue;
            }
            Set<String> names = new LinkedHashSet<>();
            for (JsonNode member : members) {
                String name = scalar(member);
                if (name == null || name.isBlank() || name.startsWith(GROUP_PREFIX)) {
                    problems.add(at, null, "group '" + entry.getKey() + "' member '" + member
                            + "' must be a reviewer name (groups do not nest)");
                } else {
                    names.add(name.trim());
                }
            }
            groups.put(entry.getKey(), names);
        }
    }

    private static Escalation escalation(JsonNode node, JsonLocation at, Problems problems) {
        if (!node.isObject()) {
            problems.add(at, null, "'escalation' must be a mapping with after_denials and within");
            return null;
        }
        int before = problems.size();
        node.fieldNames().forEachRemaining(key -> {
            if (!ESCALATION_KEYS.contains(key)) {
                problems.add(at, null, "unknown escalation key '" + key + "' (known keys: after_denials, within)");
            }
        });
        JsonNode count = node.get("after_denials");
        if (count == null || !count.canConvertToInt() || !count.isIntegralNumber() || count.intValue() < 1) {
            problems.add(at, null, "escalation.after_denials must be a whole number of at least 1");
        }
        String within = scalar(node.get("within"));
        Duration window = within == null ? null : Durations.parse(within);
        if (window == null) {
            problems.add(at, null, "escalation.within must be a duration such as 30s, 10m or 1h, not '" + within + "'");
        }
        return problems.size() > before ? null : new Escalation(count.intValue(), window, within);
    }

    private static String scalar(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Collects problems as {@code file:line:column: rule 'id': message}. */
    private static final class Problems {
        private final Path file;
        private final List<String> messages = new ArrayList<>();

        Problems(Path file) {
            this.file = file;
        }

        void add(JsonLocation at, String rule, String message) {
            add(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), rule, message);
        }

        void add(int line, int column, String rule, String message) {
            String where = line > 0 ? file + ":" + line + ":" + column : file.toString();
            messages.add(where + ": " + (rule == null ? "" : "rule '" + rule + "': ") + message);
        }

        int size() {
            return messages.size();
        }

        boolean isEmpty() {
            return messages.isEmpty();
        }

        PolicyException exception() {
            return new PolicyException(file, messages);
        }
    }
}
