package dev.actiongate.agent.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON form records are hashed in: keys sorted at every level, no insignificant
 * whitespace, UTF-8. Writer and verifier both go through here, so a record re-serialised after
 * parsing hashes to the same bytes.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private CanonicalJson() {
    }

    /** The canonical bytes of a record made of maps, lists, strings, numbers, booleans and nulls. */
    public static byte[] bytes(Map<String, ?> record) {
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("record cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses one JSON Lines record, keeping field order. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(String line) throws JsonProcessingException {
        return MAPPER.readValue(line, LinkedHashMap.class);
    }
}
