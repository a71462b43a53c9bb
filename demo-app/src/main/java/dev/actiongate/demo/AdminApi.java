package dev.actiongate.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's admin API, as far as the demo uses it: where it listens, found from the settings
 * the agent itself reads, and the two calls a reviewer makes (list pending approvals, approve one).
 */
final class AdminApi {

    private static final String PROPERTY_PREFIX = "actiongate.";
    private static final String ENV_PREFIX = "ACTIONGATE_";
    private static final String PORT = "admin_port";
    private static final String BIND = "admin_bind";
    private static final String TOKEN = "admin_token";
    private static final String TOKEN_FILE = "admin_token_file";
    private static final String DEFAULT_BIND = "127.0.0.1";
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Where the admin API should be, and how to authenticate to it.
     *
     * @param url       {@code http://host:port} without a trailing slash, or {@code null} when the
     *                  agent picks its port itself ({@code admin_port=0}) and the demo cannot know it
     * @param token     the token given directly, or {@code null}
     * @param tokenFile the file holding the token, or {@code null}; the agent creates it, with a
     *                  random token, shortly after the JVM starts when it does not exist yet
     */
    record Settings(URI url, String token, Path tokenFile) {

        /**
         * Resolves the settings as the agent does, highest precedence first: the agent's
         * arguments, {@code -Dactiongate.*} system properties, {@code ACTIONGATE_*} environment
         * variables; the demo's own {@code --admin-url} and {@code --token-file} override them.
         *
         * @param agentArgs the {@code key=value,...} the agent was started with, or {@code null}
         * @return empty when no admin API is configured: then no reviewer can answer a held call
         */
        static Optional<Settings> resolve(
                DemoOptions options, String agentArgs, Map<?, ?> systemProperties, Map<String, String> environment) {
            Map<String, String> args = parseAgentArgs(agentArgs);
            String port = setting(PORT, args, systemProperties, environment);
            URI url = options.adminUrl();
            if (url == null && port == null) {
                return Optional.empty();
            }
            if (url == null) {
                int number;
                try {
                    number = Integer.parseInt(port);
                } catch (NumberFormatException e) {
                    number = -1;
                }
                if (number < 0 || number > 65_535) {
                    // The agent warns about it and leaves its admin API off.
                    return Optional.empty();
                }
                url = number == 0
                        ? null
                        : URI.create("http://"
                                + connectHost(Optional.ofNullable(setting(BIND, args, systemProperties, environment))
                                        .orElse(DEFAULT_BIND))
                                + ":" + number);
            }
            String tokenFile = setting(TOKEN_FILE, args, systemProperties, environment);
            return Optional.of(new Settings(
                    url,
                    options.tokenFile() != null ? null : setting(TOKEN, args, systemProperties, environment),
                    options.tokenFile() != null ? options.tokenFile() : tokenFile == null ? null : Path.of(tokenFile)));
        }

        /** The token, read from its file when need be; empty while the file is missing or empty. */
        Optional<String> readToken() throws IOException {
            if (token != null) {
                return Optional.of(token);
            }
            if (tokenFile == null) {
                return Optional.empty();
            }
            try {
                String text =
                        Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
                // The agent creates the file before it writes the token into it.
                return text.isEmpty() ? Optional.empty() : Optional.of(text);
            } catch (NoSuchFileException notYet) {
                return Optional.empty();
            }
        }
    }

    /** The admin API cannot be used; {@code listening} says whether it is up all the same. */
    static final class UnusableException extends Exception {

        private static final long serialVersionUID = 1L;

        private final boolean listening;

        UnusableException(String message, boolean listening) {
            super(message);
            this.listening = listening;
        }

        /** The API answers, so a reviewer holding the right token can still decide. */
        boolean listening() {
            return listening;
        }
    }

    /** The API answered a request with an error. */
    static final class ApiException extends IOException {

        private static final long serialVersionUID = 1L;

        ApiException(String message) {
            super(message);
        }
    }

    private final URI url;
    private final String token;
    private final Path tokenFile;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    private AdminApi(URI url, String token, Path tokenFile, HttpClient http) {
        this.url = url;
        this.token = token;
        this.tokenFile = tokenFile;
        this.http = http;
    }

    /**
     * Waits up to {@code wait} until the token can be read and the API accepts it: the agent
     * starts its API, and creates a missing token file, on a thread of its own.
     *
     * @throws UnusableException when that does not happen in time
     */
    static AdminApi open(Settings settings, Duration wait) throws UnusableException, InterruptedException {
        if (settings.url() == null) {
            throw new UnusableException(
                    "admin_port=0 lets the agent pick the port (its log names it): pass"
                            + " --admin-url http://127.0.0.1:PORT",
                    true);
        }
        if (settings.token() == null && settings.tokenFile() == null) {
            // The agent keeps its API off without a token.
            throw new UnusableException("admin_port is set but neither admin_token nor admin_token_file", false);
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
        long deadline = System.nanoTime() + wait.toNanos();
        String problem;
        boolean listening = false;
        do {
            Optional<String> token;
            try {
                token = settings.readToken();
            } catch (IOException e) {
                throw new UnusableException(
                        "cannot read the admin token from " + settings.tokenFile() + ": " + e, true);
            }
            AdminApi api = new AdminApi(settings.url(), token.orElse(null), settings.tokenFile(), http);
            try {
                int status = api.send(api.request("/approvals").GET()).statusCode();
                if (status == 200 && token.isPresent()) {
                    return api;
                }
                // The agent's API answers 401 to a missing or wrong token; anything else is not it.
                if (status != 401) {
                    throw new UnusableException(
                            "something other than the agent's admin API answers " + status + " at " + settings.url(),
                            false);
                }
                if (token.isPresent()) {
                    // A wrong token stays wrong; waiting would only delay the demo.
                    throw new UnusableException(
                            "the admin API at " + settings.url() + " refuses the token"
                                    + (settings.tokenFile() == null ? " given" : " in " + settings.tokenFile()),
                            true);
                }
                listening = true;
                problem = "the token file " + settings.tokenFile() + " was not written";
            } catch (ConnectException | HttpConnectTimeoutException e) {
                problem = "nothing answers at " + settings.url();
                listening = false;
            } catch (IOException e) {
                problem = "the admin API at " + settings.url() + " failed: " + e;
            }
            Thread.sleep(POLL.toMillis());
        } while (System.nanoTime() < deadline);
        throw new UnusableException(problem + " within " + DemoOptions.describe(wait), listening);
    }

    URI url() {
        return url;
    }

    /** The token file the CLI reads, or {@code null} when the token was given directly. */
    Path tokenFile() {
        return tokenFile;
    }

    /** The reviewers' console, signed in: the console moves the token out of the address bar at once. */
    String consoleUrl() {
        return url + "/#token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    /** The pending approvals, oldest first. */
    List<JsonNode> pending() throws IOException, InterruptedException {
        JsonNode body = call(request("/approvals").GET(), "GET /approvals");
        List<JsonNode> approvals = new ArrayList<>();
        body.path("approvals").forEach(approvals::add);
        return approvals;
    }

    /** Approves {@code id} as {@code reviewer}; @return the approval as the API describes it afterwards */
    JsonNode approve(String id, String reviewer, String comment) throws IOException, InterruptedException {
        Map<String, String> review = new LinkedHashMap<>();
        review.put("reviewer", reviewer);
        review.put("comment", comment);
        String path = "/approvals/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/approve";
        return call(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(review))),
                "POST " + path);
    }

    private JsonNode call(HttpRequest.Builder request, String what) throws IOException, InterruptedException {
        HttpResponse<String> response = send(request);
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (IOException notJson) {
            body = null;
        }
        if (response.statusCode() != 200 || body == null) {
            String error = body == null ? response.body() : body.path("error").asText(response.body());
            throw new ApiException(what + " answered " + response.statusCode() + ": " + error);
        }
        return body;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url + path)).timeout(REQUEST_TIMEOUT);
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String setting(
            String key, Map<String, String> agentArgs, Map<?, ?> systemProperties, Map<String, String> environment) {
        String value = agentArgs.get(key);
        if (value == null) {
            Object property = systemProperties.get(PROPERTY_PREFIX + key);
            value = property != null ? property.toString() : environment.get(ENV_PREFIX + key.toUpperCase(Locale.ROOT));
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** {@code policy=p.yaml,admin_port=8477} as the agent splits it. */
    private static Map<String, String> parseAgentArgs(String agentArgs) {
        Map<String, String> args = new LinkedHashMap<>();
        if (agentArgs != null) {
            for (String pair : agentArgs.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    args.put(
                            pair.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                            pair.substring(eq + 1).trim());
                }
            }
        }
        return args;
    }

    /** An API bound to every interface is reached on loopback; an IPv6 literal needs brackets. */
    private static String connectHost(String bind) {
        return switch (bind) {
            case "0.0.0.0" -> DEFAULT_BIND;
            case "::", "[::]" -> "[::1]";
            default -> bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        };
    }
}
