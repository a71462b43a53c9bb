package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value converted the way Jackson writes it (a {@code java.time} value, a {@code UUID}, a
 * {@code BigDecimal}, a byte array, a type with a serializer of its own), written through a
 * {@link CountingGenerator} so that it costs what the call's budget allows and no more.
 */
final class JacksonValues {

    private JacksonValues() {}

    static Object convert(Object value, ArgumentConversion conversion, String where, int depth) {
        TokenBuffer tokens = new TokenBuffer(PolicyValues.mapper(), false);
        CountingGenerator counted = new CountingGenerator(tokens, conversion, ArgumentConversion.MAX_DEPTH - depth);
        try {
            PolicyValues.mapper().writeValue(counted, value);
        } catch (IOException | RuntimeException e) {
            ValueKind kind = tokens.firstToken() == JsonToken.START_ARRAY
                    ? ValueKind.LIST
                    : tokens.firstToken() == JsonToken.START_OBJECT ? ValueKind.MAP : ValueKind.JACKSON;
            if (counted.tooDeep()) {
                return Cut.deep(kind, where);
            }
            if (conversion.exhausted() != null) {
                return Cut.of(kind, conversion.budgetCut(where), conversion.exhausted());
            }
            return "<unconvertible " + value.getClass().getName() + ": " + e.getMessage() + ">";
        }
        try (JsonParser parser = tokens.asParser()) {
            parser.nextToken();
            return read(parser);
        } catch (IOException e) {
            return "<unconvertible " + value.getClass().getName() + ": " + e.getMessage() + ">";
        }
    }

    /** The value at the parser's current token; nested no deeper than the generator allowed. */
    private static Object read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == null || token == JsonToken.VALUE_NULL) {
            return PolicyValues.NULL;
        }
        switch (token) {
            case START_ARRAY:
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(parser));
                }
                return list;
            case START_OBJECT:
                Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    map.put(name, read(parser));
                }
                return map;
            case VALUE_TRUE:
                return true;
            case VALUE_FALSE:
                return false;
            case VALUE_NUMBER_INT:
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    BigInteger big = parser.getBigIntegerValue();
                    return big.bitLength() < Long.SIZE ? (Object) big.longValue() : (Object) big.doubleValue();
                }
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_EMBEDDED_OBJECT:
                // a byte array reads as its base64 text, as Jackson's tree would show it
                Object embedded = parser.getEmbeddedObject();
                return embedded instanceof byte[] bytes
                        ? Base64Variants.getDefaultVariant().encode(bytes)
                        : String.valueOf(embedded);
            default:
                return parser.getText();
        }
    }
}
