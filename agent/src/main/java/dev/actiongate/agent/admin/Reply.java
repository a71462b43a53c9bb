package dev.actiongate.agent.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

/**
 * What is sent back for one request: status, headers and body, and what to do once it is sent (or
 * could not be), such as letting a call that waited for this review go on.
 *
 * @param body {@code null} for none (a {@code HEAD} request)
 */
record Reply(int status, Map<String, String> headers, byte[] body, Runnable afterSending) {

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    Reply {
        headers = Map.copyOf(headers);
    }

    static Reply json(int status, Object body) {
        return json(status, body, null);
    }

    static Reply json(int status, Object body, Runnable afterSending) {
        try {
            return new Reply(
                    status, Map.of("Content-Type", "application/json"), JSON.writeValueAsBytes(body), afterSending);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer of the admin API could not be written as JSON", e);
        }
    }

    /** An error after which the connection is closed: the client sent what the API does not read. */
    static Reply refusal(int status, String error) {
        Reply json = json(status, Map.of("error", error));
        return new Reply(status, Map.of("Content-Type", "application/json", "Connection", "close"), json.body(), null);
    }
}
