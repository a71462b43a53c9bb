package dev.actiongate.agent.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.gate.Gate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * The agent's admin HTTP API, on the JDK's built-in server: off unless {@code admin_port} is set,
 * bound to loopback unless {@code admin_bind} says otherwise, and every request must carry
 * {@code Authorization: Bearer <admin_token>}. {@code GET /status}, {@code POST /policy/reload},
 * the approvals API ({@link ApprovalRoutes}), a fleet's decisions ({@link DecisionRoutes}), and the
 * reviewers' console at {@code /}, whose static files carry no data and are the only thing served
 * without the token. With {@code reviewer_tokens_file}, a reviewer's own token opens the approvals
 * API, the decisions and the kill switch ({@link GovernanceRoute}), and only those. Every request first passes the {@link RequestGuard}.
 */
public final class AdminServer {

    private final HttpServer server;
    private final ExchangeDeadlines threads;
    private final RequestGuard guard;
    private final byte[] token;
    /** Each reviewer's own token, or {@code null}: then reviews are made with the admin token. */
    private final ReviewerTokens reviewers;

    private AdminServer(
            HttpServer server, ExchangeDeadlines threads, RequestGuard guard, byte[] token, ReviewerTokens reviewers) {
        this.server = server;
        this.threads = threads;
        this.guard = guard;
        this.token = token;
        this.reviewers = reviewers;
    }

    /**
     * Starts the API.
     *
     * @param detach starts detaching the agent, or throws {@link IllegalStateException} saying why it cannot
     * @throws IOException when there is no token, the token is too short or its file too open, a
     *     file cannot be read, or the port is taken
     */
    public static AdminServer start(AgentConfig config, Gate gate, String version, Runnable detach) throws IOException {
        AgentConfig.Admin admin = config.admin();
        String token = AdminToken.of(admin);
        // Read before the port is taken: a list that does not read keeps the API off altogether.
        ReviewerTokens reviewers =
                admin.reviewerTokensFile() == null ? null : ReviewerTokens.load(admin.reviewerTokensFile());
        HttpServer server = HttpServer.create(new InetSocketAddress(admin.bind(), admin.port()), 0);
        ExchangeDeadlines threads = new ExchangeDeadlines(RequestGuard.THREADS, RequestGuard.HEADERS);
        server.setExecutor(threads);
        AdminServer api = new AdminServer(
                server,
                threads,
                new RequestGuard(new AllowedHosts(admin.bind()), threads),
                token.getBytes(StandardCharsets.UTF_8),
                reviewers);
        api.route("/status", "GET", body -> new Answer(200, StatusReport.of(config, gate, version)));
        api.route("/policy/reload", "POST", body -> {
            if (config.policy() == null) {
                return new Answer(409, Map.of("error", "no policy file is configured"));
            }
            Gate.Reload reload = gate.reload(config.policy(), "admin-api");
            // A rejected file is the caller's to fix: say so in the status, not only in the text.
            return reload.rejected()
                    ? new Answer(422, Map.of("error", reload.outcome()))
                    : new Answer(200, Map.of("result", reload.outcome()));
        });
        ApprovalRoutes approvals = new ApprovalRoutes(gate, reviewers != null);
        api.route(
                "/approvals",
                null,
                (exchange, caller, body) -> approvals.answer(
                        exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body, caller));
        DecisionRoutes decisions = new DecisionRoutes(gate::state);
        api.route(
                "/decisions",
                "GET",
                (exchange, caller, body) -> decisions.answer(
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery()));
        GovernanceRoute governance = new GovernanceRoute(gate, reviewers != null);
        api.route("/governance", "POST", (exchange, caller, body) -> governance.answer(body, caller));
        api.route("/detach", "POST", body -> {
            try {
                detach.run();
                return new Answer(200, Map.of("result", "detaching: governed methods get their original code back"));
            } catch (IllegalStateException e) {
                return new Answer(409, Map.of("error", e.getMessage()));
            }
        });
        server.createContext("/", api.guard.guard((exchange, body) -> Console.reply(exchange)));
        server.start();
        return api;
    }

    /** Stops answering; requests under way get a second to finish. */
    public void stop() {
        server.stop(1);
        threads.shutdown();
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

    /** What an endpoint that reviewers' tokens reach too answers to an authenticated request with the right method. */
    @FunctionalInterface
    private interface Endpoint {
        Answer answer(HttpExchange exchange, Caller caller, byte[] body) throws IOException;
    }

    /** An endpoint only the admin token reaches. */
    @FunctionalInterface
    private interface AdminEndpoint {
        Answer answer(byte[] body) throws IOException;
    }

    /** Serves {@code endpoint} at {@code path} to the admin token only. */
    private void route(String path, String method, AdminEndpoint endpoint) {
        route(path, method, false, (exchange, caller, body) -> endpoint.answer(body));
    }

    /** Serves {@code endpoint} at {@code path} to the admin token and reviewers' tokens. */
    private void route(String path, String method, Endpoint endpoint) {
        route(path, method, true, endpoint);
    }

    /**
     * Serves {@code endpoint} at {@code path}: token first, then the method ({@code null}: the
     * endpoint checks). A reviewer's token reaches it only when {@code reviewersToo}.
     */
    private void route(String path, String method, boolean reviewersToo, Endpoint endpoint) {
        server.createContext(path, guard.guard((exchange, body) -> {
            Caller caller = caller(exchange);
            if (caller == null) {
                Reply json = Reply.json(401, Map.of("error", "missing or wrong bearer token"));
                return new Reply(
                        401,
                        Map.of("Content-Type", "application/json", "WWW-Authenticate", "Bearer realm=\"actiongate\""),
                        json.body(),
                        null);
            }
            if (!caller.admin() && !reviewersToo) {
                return Reply.json(
                        403,
                        Map.of(
                                "error",
                                "a reviewer's token opens the approvals API, the decisions and the kill switch only"));
            }
            if (method != null && !method.equals(exchange.getRequestMethod())) {
                return Reply.json(405, Map.of("error", "use " + method));
            }
            Answer answer = endpoint.answer(exchange, caller, body);
            return Reply.json(answer.status(), answer.body(), answer.afterSending());
        }));
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
}
