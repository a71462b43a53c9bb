package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * Reads a YAML policy file and compiles every condition. Either the whole file is usable or a
 * {@link PolicyException} lists every problem with its line and column; there is no partial
 * policy.
 */
public final class PolicyLoader {

    private static final Set<String> TOP_LEVEL_KEYS = Set.of("version", "default", "mode", "redact", "rules", "escalation");
    private static final Set<String> ESCALATION_KEYS = Set.of("after_denials", "within");
    private static final Set<String> RULE_KEYS = Set.of("id", "action", "when", "verdict", "reason");

    private final YAMLFactory yaml = new YAMLFactory();
    private final ObjectMapper mapper = new ObjectMapper(yaml);

    /** Loads and compiles {@code file}. */
    public Policy load(Path file) throws PolicyException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PolicyException(file, List.of(file + ": file not found"));
        } catch (IOException e) {
            throw new PolicyException(file, List.of(file + ": cannot be read: " + e));
        }
        return parse(file, bytes);
    }

    /** Compiles a policy from {@code bytes}; {@code file} is only used in messages and records. */
    public Policy parse(Path file, byte[] bytes) throws PolicyException {
        Problems problems = new Problems(file);
        String version = null;
        Verdict defaultVerdict = Verdict.DENY;
        Mode mode = Mode.ENFORCE;
        Set<String> redact = new LinkedHashSet<>();
        List<Rule> rules = new ArrayList<>();
        Escalation escalation = null;
        try (JsonParser parser = yaml.createParser(bytes)) {
            parser.setCodec(mapper);
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                problems.add(1, 1, null, "the policy must be a YAML mapping with at least 'version' and 'rules'");
                throw problems.exception();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonLocation keyAt = parser.currentTokenLocation();
                parser.nextToken();
                JsonLocation at = parser.currentTokenLocation();
                switch (key) {
                    case "version" -> {
                        JsonNode node = parser.readValueAsTree();
                        version = scalar(node);
                        if (version == null || version.isBlank()) {
                            problems.add(at, null, "'version' must be a non-empty string");
                            version = null;
                        }
                    }
                    case "default" -> {
                        String text = scalar(parser.readValueAsTree());
                        Verdict parsed = Verdict.parse(text);
                        if (parsed == null) {
                            problems.add(at, null, "unknown default verdict '" + text + "' (expected allow, deny or require_approval)");
                        } else {
                            defaultVerdict = parsed;
                        }
                    }
                    case "mode" -> {
                        String text = scalar(parser.readValueAsTree());
                        if ("enforce".equals(text)) {
                            mode = Mode.ENFORCE;
                        } else if ("monitor".equals(text)) {
                            mode = Mode.MONITOR;
                        } else {
                            problems.add(at, null, "unknown mode '" + text + "' (expected enforce or monitor)");
                        }
                    }
                    case "redact" -> {
                        JsonNode node = parser.readValueAsTree();
                        if (!node.isArray()) {
                            problems.add(at, null, "'redact' must be a list of argument key names");
                        } else {
                            node.forEach(item -> redact.add(item.asText().toLowerCase(Locale.ROOT)));
                        }
                    }
                    case "rules" -> readRules(parser, at, problems, rules);
                    case "escalation" -> escalation = escalation(parser.readValueAsTree(), at, problems);
                    default -> {
                        problems.add(keyAt, null, "unknown key '" + key + "' (known keys: " + String.join(", ", sorted(TOP_LEVEL_KEYS)) + ")");
                        parser.skipChildren();
                    }
                }
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            problems.add(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), null,
                    "not valid YAML: " + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " "));
        } catch (IOException e) {
            problems.add(0, 0, null, "cannot be read: " + e);
        }
        if (version == null && problems.isEmpty()) {
            problems.add(1, 1, null, "'version' is required");
        }
        if (!problems.isEmpty()) {
            throw problems.exception();
        }
        return new Policy(file, version, sha256(bytes), defaultVerdict, mode, rules, redact, escalation);
    }

    private void readRules(JsonParser parser, JsonLocation at, Problems problems, List<Rule> rules) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            problems.add(at, null, "'rules' must be a list of rules");
            parser.skipChildren();
            return;
        }
        Set<String> ids = new HashSet<>();
        int index = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
            index++;
            JsonLocation ruleAt = parser.currentTokenLocation();
            if (token != JsonToken.START_OBJECT) {
                problems.add(ruleAt, null, "rule #" + index + " must be a mapping with id, verdict and optional action, when, reason");
                parser.skipChildren();
                continue;
            }
            Map<String, JsonNode> fields = new LinkedHashMap<>();
            Map<String, JsonLocation> locations = new LinkedHashMap<>();
            Map<String, JsonLocation> keyLocations = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                keyLocations.put(key, parser.currentTokenLocation());
                parser.nextToken();
                locations.put(key, parser.currentTokenLocation());
                fields.put(key, parser.readValueAsTree());
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
        if (problems.size() > before) {
            return null;
        }
        return new Rule(id, action, when, verdict, reason == null ? "rule '" + id + "' matched" : reason,
                ruleAt.getLineNr(), Rule.glob(action), compiled == null ? null : compiled.program());
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
        Duration window = within == null ? null : duration(within);
        if (window == null) {
            problems.add(at, null, "escalation.within must be a duration such as 30s, 10m or 1h, not '" + within + "'");
        }
        return problems.size() > before ? null : new Escalation(count.intValue(), window, within);
    }

    /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 1d}; {@code null} when not one of those. */
    static Duration duration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        return duration.isZero() ? null : duration;
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
