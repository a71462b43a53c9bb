package dev.actiongate.agent.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.gate.Gate;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The agent's admin HTTP API, on the JDK's built-in server: off unless {@code admin_port} is set,
 * bound to loopback unless {@code admin_bind} says otherwise, and every request must carry
 * {@code Authorization: Bearer <admin_token>}. {@code GET /status}, {@code POST /policy/reload},
 * the approvals API ({@link ApprovalRoutes}), and the reviewers' console at {@code /}, whose
 * static files carry no data and are the only thing served without the token. With
 * {@code reviewer_tokens_file}, a reviewer's own token opens the approvals API, and only that.
 */
public final class AdminServer {

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final HttpServer server;
    private final byte[] token;
    /** Each reviewer's own token, or {@code null}: then reviews are made with the admin token. */
    private final ReviewerTokens reviewers;

    private AdminServer(HttpServer server, byte[] token, ReviewerTokens reviewers) {
        this.server = server;
        this.token = token;
        this.reviewers = reviewers;
    }

    /**
     * Starts the API.
     *
     * @param detach starts detaching the agent, or throws {@link IllegalStateException} saying why it cannot
     * @throws IOException when there is no token, the token file cannot be read, or the port is taken
     */
    public static AdminServer start(AgentConfig config, Gate gate, String version, Runnable detach) throws IOException {
        AgentConfig.Admin admin = config.admin();
        String token = admin.token();
        if (token == null && admin.tokenFile() != null) {
            token = readOrCreateToken(admin.tokenFile());
        }
        if (token == null || token.isEmpty()) {
            throw new IOException("the admin API needs admin_token or admin_token_file; it stays off");
        }
        // Read before the port is taken: a list that does not read keeps the API off altogether.
        ReviewerTokens reviewers =
                admin.reviewerTokensFile() == null ? null : ReviewerTokens.load(admin.reviewerTokensFile());
        HttpServer server = HttpServer.create(new InetSocketAddress(admin.bind(), admin.port()), 0);
        // A few threads: one slow client must not keep a reviewer from answering a waiting call.
        server.setExecutor(Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "actiongate-admin");
            thread.setDaemon(true);
            return thread;
        }));
        AdminServer api = new AdminServer(server, token.getBytes(StandardCharsets.UTF_8), reviewers);
        api.route("/status", "GET", exchange -> new Answer(200, StatusReport.of(config, gate, version)));
        api.route("/policy/reload", "POST", exchange -> {
            if (config.policy() == null) {
                return new Answer(409, Map.of("error", "no policy file is configured"));
            }
            Gate.Reload reload = gate.reload(config.policy(), "admin-api");
            // A rejected file is the caller's to fix: say so in the status, not only in the text.
            return reload.rejected()
                    ? new Answer(422, Map.of("error", reload.outcome()))
                    : new Answer(200, Map.of("result", reload.outcome()));
        });
        ApprovalRoutes approvals = new ApprovalRoutes(gate, api.reviewers != null);
        api.route(
                "/approvals",
                null,
                true,
                (exchange, caller) -> approvals.answer(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestBody().readAllBytes(),
                        caller));
        api.route("/governance", "POST", exchange -> switchGoverning(exchange, gate));
        api.route("/detach", "POST", exchange -> {
            try {
                detach.run();
                return new Answer(200, Map.of("result", "detaching: governed methods get their original code back"));
            } catch (IllegalStateException e) {
                return new Answer(409, Map.of("error", e.getMessage()));
            }
        });
        server.createContext("/", Console::serve);
        server.start();
        return api;
    }

    /** Stops answering; requests under way get a second to finish. */
    public void stop() {
        server.stop(1);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdown();
    }

    /** The address the API listens on, with the port actually bound. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * An answer to send: HTTP status and a JSON body, and what to do once it is sent (or could
     * not be), such as letting a call that waited for this review go on.
     */
    record Answer(int status, Object body, Runnable afterSending) {
        Answer(int status, Object body) {
            this(status, body, null);
        }
    }

    /**
     * Who a request comes from: the holder of the admin token ({@code reviewer} is {@code null}),
     * or a reviewer, by their own token.
     */
    record Caller(String reviewer) {
        static final Caller ADMIN = new Caller(null);

        boolean admin() {
            return reviewer == null;
        }
    }

    /** What an endpoint answers to an authenticated request with the right method. */
    @FunctionalInterface
    private interface Endpoint {
        Answer answer(HttpExchange exchange, Caller caller) throws IOException;
    }

    /** Serves {@code endpoint} at {@code path} to the admin token only. */
    private void route(String path, String method, AdminEndpoint endpoint) {
        route(path, method, false, (exchange, caller) -> endpoint.answer(exchange));
    }

    /** An endpoint only the admin token reaches. */
    @FunctionalInterface
    private interface AdminEndpoint {
        Answer answer(HttpExchange exchange) throws IOException;
    }

    /**
     * Serves {@code endpoint} at {@code path}: token first, then the method ({@code null}: the
     * endpoint checks). A reviewer's token reaches it only when {@code reviewersToo}.
     */
    private void route(String path, String method, boolean reviewersToo, Endpoint endpoint) {
        server.createContext(path, exchange -> {
            try (exchange) {
                Caller caller = caller(exchange);
                if (caller == null) {
                    unauthorized(exchange);
                } else if (!caller.admin() && !reviewersToo) {
                    send(exchange, 403, Map.of("error", "a reviewer's token opens the approvals API only"));
                } else if (method != null && !method.equals(exchange.getRequestMethod())) {
                    send(exchange, 405, Map.of("error", "use " + method));
                } else {
                    Answer answer = endpoint.answer(exchange, caller);
                    try {
                        send(exchange, answer.status(), answer.body());
                    } finally {
                        if (answer.afterSending() != null) {
                            answer.afterSending().run();
                        }
                    }
                }
            }
        });
    }

    private void unauthorized(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"actiongate\"");
        send(exchange, 401, Map.of("error", "missing or wrong bearer token"));
    }

    /** {@code POST /governance} {@code {"enabled": false, "mode": "monitor", "by": "alice", "reason": "..."}}. */
    private static Answer switchGoverning(HttpExchange exchange, Gate gate) throws IOException {
        com.fasterxml.jackson.databind.JsonNode body;
        try {
            body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        } catch (IOException e) {
            return new Answer(400, Map.of("error", "the body is not JSON: " + e.getMessage()));
        }
        if (body == null
                || !body.isObject()
                || (body.has("enabled") && !body.get("enabled").isBoolean())) {
            return new Answer(
                    400,
                    Map.of(
                            "error",
                            "expected {\"enabled\": true|false, \"mode\":"
                                    + " \"monitor|enforce|policy\", \"by\": \"NAME\", \"reason\": \"...\"}"));
        }
        try {
            String result = gate.switchGoverning(
                    body.has("enabled") ? body.get("enabled").booleanValue() : null,
                    body.hasNonNull("mode") ? body.get("mode").asText() : null,
                    body.hasNonNull("by") ? body.get("by").asText() : null,
                    body.hasNonNull("reason") ? body.get("reason").asText() : null,
                    "admin-api");
            return new Answer(200, Map.of("result", result));
        } catch (IllegalArgumentException e) {
            return new Answer(400, Map.of("error", e.getMessage()));
        } catch (IllegalStateException e) {
            return new Answer(503, Map.of("error", e.getMessage()));
        }
    }

    /**
     * The token in {@code file}; a file that does not exist yet is created with a new random
     * token readable by its owner only, so ops need not invent one.
     */
    static String readOrCreateToken(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Path absolute = file.toAbsolutePath();
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
            try {
                Files.createFile(
                        absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(absolute);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                return Files.readString(absolute, StandardCharsets.UTF_8).trim();
            }
            Files.writeString(absolute, token + "\n", StandardCharsets.UTF_8);
            return token;
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    /** The caller the bearer token names, or {@code null} when it names nobody. */
    private Caller caller(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return null;
        }
        String presented = header.substring("Bearer ".length()).trim();
        // Constant-time: the comparison must not tell how much of a guessed token was right.
        if (MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
            return Caller.ADMIN;
        }
        String reviewer = reviewers == null ? null : reviewers.reviewerFor(presented);
        return reviewer == null ? null : new Caller(reviewer);
    }

    static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
