package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A policy document as parsed, every key and value with its place in the file, and nothing
 * compiled. YAML in any style (block, flow, quoted keys) and JSON give the same tree, so what
 * the agent instruments and what the loader compiles are read from one structure.
 *
 * <p>Jackson keeps the last of two equal keys and has no way to say where the first was; the
 * tree keeps the first, notes every duplicate with both places, and the loader turns each into
 * a problem. Scalars are built without an {@code ObjectMapper}, so reading a tree on the
 * agent's start-up path loads only the parser and the node classes.
 */
final class PolicyTree {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One value: a mapping ({@link #fields}), a list ({@link #items}) or a scalar. */
    static final class Node {
        private final JsonLocation at;
        private final JsonNode json;
        private final Map<String, Field> fields;
        private final List<Node> items;

        private Node(JsonLocation at, JsonNode json, Map<String, Field> fields, List<Node> items) {
            this.at = at;
            this.json = json;
            this.fields = fields;
            this.items = items;
        }

        /** Where the value starts; for a block mapping, at its first key. */
        JsonLocation at() {
            return at;
        }

        /** The value as Jackson nodes, with only the first of any duplicate key. */
        JsonNode json() {
            return json;
        }

        boolean isMap() {
            return fields != null;
        }

        boolean isList() {
            return items != null;
        }

        /** The mapping's keys in file order; empty for a list or scalar. */
        Map<String, Field> fields() {
            return fields == null ? Map.of() : Collections.unmodifiableMap(fields);
        }

        /** The value of {@code key} in this mapping as Jackson nodes, or {@code null} when it has none. */
        JsonNode get(String key) {
            Field field = fields == null ? null : fields.get(key);
            return field == null ? null : field.value().json();
        }

        /** Where the value of {@code key} in this mapping starts, or {@code null} when it has none. */
        JsonLocation valueAt(String key) {
            Field field = fields == null ? null : fields.get(key);
            return field == null ? null : field.value().at();
        }

        /** The list's items; empty for a mapping or scalar. */
        List<Node> items() {
            return items == null ? List.of() : Collections.unmodifiableList(items);
        }
    }

    /** A key of a mapping, where the key is, and its value. */
    record Field(String key, JsonLocation keyAt, Node value) {}

    /**
     * A key given twice in one mapping.
     *
     * @param path    the keys (strings) and list positions (integers, from 0) down to the mapping
     * @param at      where the second key is
     * @param firstAt where the first one is
     */
    record Duplicate(List<Object> path, String key, JsonLocation at, JsonLocation firstAt) {}

    /**
     * Why the text is not a usable document: a syntax error, or a second document after the
     * first; {@code null} when it is one.
     */
    record Syntax(JsonLocation at, String message) {}

    private final Node root;
    private final List<Duplicate> duplicates;
    private final Syntax syntax;

    private PolicyTree(Node root, List<Duplicate> duplicates, Syntax syntax) {
        this.root = root;
        this.duplicates = List.copyOf(duplicates);
        this.syntax = syntax;
    }

    /**
     * The document's top-level value; {@code null} for an empty file. After a syntax error it
     * holds what was read before the error, so that well-formed {@code govern:} entries are
     * still instrumented (and then denied, since the policy does not load).
     */
    Node root() {
        return root;
    }

    List<Duplicate> duplicates() {
        return duplicates;
    }

    Syntax syntax() {
        return syntax;
    }

    /** Parses {@code bytes}; never throws, problems are kept in the tree. */
    static PolicyTree parse(byte[] bytes) {
        Builder builder = new Builder();
        Syntax syntax = null;
        try (JsonParser parser = YAML.createParser(bytes)) {
            if (parser.nextToken() != null) {
                builder.value(parser, new ArrayList<>(), node -> builder.root = node);
                if (parser.nextToken() != null) {
                    syntax = new Syntax(
                            parser.currentTokenLocation(),
                            "a second YAML document starts here; a policy"
                                    + " is one document (remove the '---' and what follows, or merge it into the first)");
                }
            }
        } catch (JsonProcessingException e) {
            syntax = new Syntax(
                    e.getLocation(), "not valid YAML: " + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " "));
        } catch (IOException | RuntimeException e) {
            syntax = new Syntax(null, "cannot be parsed: " + e);
        }
        return new PolicyTree(builder.root, builder.duplicates, syntax);
    }

    /**
     * Builds nodes while reading. A node is put in its parent before its content is read, so
     * that a syntax error further on leaves everything before it in the tree.
     */
    private static final class Builder {
        private Node root;
        private final List<Duplicate> duplicates = new ArrayList<>();

        /** Reads the value at the parser's current token; {@code place} puts it in its parent first. */
        Node value(JsonParser parser, List<Object> path, Consumer<Node> place) throws IOException {
            JsonLocation at = parser.currentTokenLocation();
            JsonToken token = parser.currentToken();
            if (token == JsonToken.START_OBJECT) {
                ObjectNode json = NODES.objectNode();
                Map<String, Field> fields = new LinkedHashMap<>();
                Node node = new Node(at, json, fields, null);
                place.accept(node);
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    JsonLocation keyAt = parser.currentTokenLocation();
                    parser.nextToken();
                    Field first = fields.get(key);
                    if (first != null) {
                        duplicates.add(new Duplicate(List.copyOf(path), key, keyAt, first.keyAt()));
                        // Read for the duplicates inside it, then dropped: the first value stays.
                        value(parser, child(path, key), dropped -> {});
                    } else {
                        value(parser, child(path, key), child -> {
                            json.set(key, child.json());
                            fields.put(key, new Field(key, keyAt, child));
                        });
                    }
                }
                return node;
            }
            if (token == JsonToken.START_ARRAY) {
                ArrayNode json = NODES.arrayNode();
                List<Node> items = new ArrayList<>();
                Node node = new Node(at, json, null, items);
                place.accept(node);
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY && next != null) {
                    value(parser, child(path, items.size()), item -> {
                        json.add(item.json());
                        items.add(item);
                    });
                }
                return node;
            }
            if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                // The parser would hand over the anchor's name as a plain string: a rule reading
                // `action: *pay` would silently match the action "pay". Write values out instead.
                throw new JsonParseException(
                        parser,
                        "YAML aliases (*" + parser.getText() + ") are not allowed in a"
                                + " policy: write the value out",
                        at);
            }
            Node node = new Node(at, scalar(parser, token), null, null);
            place.accept(node);
            return node;
        }

        private static List<Object> child(List<Object> path, Object step) {
            List<Object> below = new ArrayList<>(path.size() + 1);
            below.addAll(path);
            below.add(step);
            return below;
        }

        private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
            return switch (token) {
                case VALUE_STRING -> NODES.textNode(parser.getText());
                case VALUE_TRUE -> NODES.booleanNode(true);
                case VALUE_FALSE -> NODES.booleanNode(false);
                case VALUE_NULL -> NODES.nullNode();
                case VALUE_NUMBER_INT ->
                    switch (parser.getNumberType()) {
                        case INT -> NODES.numberNode(parser.getIntValue());
                        case LONG -> NODES.numberNode(parser.getLongValue());
                        default -> NODES.numberNode(parser.getBigIntegerValue());
                    };
                case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
                default -> NODES.textNode(parser.getText());
            };
        }
    }
}
