package dev.actiongate.agent.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What every request passes before an endpoint sees it, so that a client that is slow, large or
 * sent from another site's page cannot hold the API that reviewers answer waiting calls through:
 * the {@code Host} header ({@link AllowedHosts}), at most {@value #MAX_HEADER_BYTES} bytes of
 * request line and headers ({@code 431}), at most {@value #MAX_BODY_BYTES} bytes of body
 * ({@code 413}), the body within {@link #BODY} and the answer within {@link #ANSWER}
 * ({@link ExchangeDeadlines}, which also bounds the headers by {@link #HEADERS}).
 */
final class RequestGuard {

    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final Duration HEADERS = Duration.ofSeconds(5);
    static final Duration BODY = Duration.ofSeconds(5);
    static final Duration ANSWER = Duration.ofSeconds(10);
    /** Enough that a few slow clients leave threads for reviewers; more wait for the deadlines. */
    static final int THREADS = 16;

    /** An endpoint behind the guard: the request with its whole body, read within the limits. */
    @FunctionalInterface
    interface Endpoint {
        Reply answer(HttpExchange exchange, byte[] body) throws IOException;
    }

    private final AllowedHosts hosts;
    private final ExchangeDeadlines deadlines;

    RequestGuard(AllowedHosts hosts, ExchangeDeadlines deadlines) {
        this.hosts = hosts;
        this.deadlines = deadlines;
    }

    HttpHandler guard(Endpoint endpoint) {
        return exchange -> {
            try (exchange) {
                deadlines.within(BODY);
                Reply reply = refusal(exchange);
                if (reply == null) {
                    byte[] body = body(exchange);
                    deadlines.unbounded();
                    reply = body == null
                            ? Reply.refusal(413, "the request body is larger than " + MAX_BODY_BYTES + " bytes")
                            : endpoint.answer(exchange, body);
                }
                deadlines.within(ANSWER);
                try {
                    send(exchange, reply);
                } finally {
                    if (reply.afterSending() != null) {
                        reply.afterSending().run();
                    }
                }
            }
        };
    }

    /** Why the request is refused before its body is read, or {@code null}. */
    private Reply refusal(HttpExchange exchange) {
        List<String> host = exchange.getRequestHeaders().get("Host");
        String hostProblem = host != null && host.size() > 1
                ? "more than one Host header"
                : hosts.refusal(host == null ? null : host.get(0));
        if (hostProblem != null) {
            return Reply.refusal(host == null ? 400 : 421, hostProblem);
        }
        long size = exchange.getRequestMethod().length()
                + exchange.getRequestURI().toString().length()
                + 12L;
        for (Map.Entry<String, List<String>> header :
                exchange.getRequestHeaders().entrySet()) {
            for (String value : header.getValue()) {
                size += header.getKey().length() + value.length() + 4L;
            }
        }
        if (size > MAX_HEADER_BYTES) {
            return Reply.refusal(
                    431,
                    "the request line and headers are " + size + " bytes; the admin API reads at most "
                            + MAX_HEADER_BYTES);
        }
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && declaredTooLong(length.strip())) {
            return Reply.refusal(
                    413,
                    "the request body is " + length.strip() + " bytes; the admin API reads at most " + MAX_BODY_BYTES);
        }
        return null;
    }

    /** Said before it is sent, so it is refused unread; the JDK has refused a length that is not a number. */
    private static boolean declaredTooLong(String length) {
        try {
            return Long.parseLong(length) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** The whole body, or {@code null} when it is longer than {@link #MAX_BODY_BYTES}. */
    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            return body.length > MAX_BODY_BYTES ? null : body;
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        reply.headers().forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(reply.status(), reply.body() == null ? -1 : reply.body().length);
        if (reply.body() != null) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }
}
