package dev.actiongate.agent.admin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The reviewers' web console: three static files served without the token, because a browser
 * cannot put a bearer token on a page load. They hold no data; the page reads the token from the
 * URL fragment (never sent to the server) or asks for it, and every API call it makes carries it.
 */
final class Console {

    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"console/index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"console/index.html", "text/html; charset=utf-8"},
            "/console.js", new String[] {"console/console.js", "text/javascript; charset=utf-8"},
            "/console.css", new String[] {"console/console.css", "text/css; charset=utf-8"});

    private Console() {}

    static Reply reply(HttpExchange exchange) throws IOException {
        String[] file = FILES.get(exchange.getRequestURI().getPath());
        if (file == null) {
            return Reply.json(
                    404,
                    Map.of(
                            "error",
                            "no such resource: " + exchange.getRequestURI().getPath()));
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (!head && !exchange.getRequestMethod().equals("GET")) {
            return Reply.json(405, Map.of("error", "use GET"));
        }
        byte[] bytes;
        try (InputStream in = Console.class.getResourceAsStream(file[0])) {
            if (in == null) {
                return Reply.json(500, Map.of("error", "the console is missing from the agent jar"));
            }
            bytes = in.readAllBytes();
        }
        return new Reply(
                200,
                Map.of(
                        "Content-Type",
                        file[1],
                        // Everything the page needs comes from this server; no inline script can run, no site can frame
                        // it.
                        "Content-Security-Policy",
                        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
                        "X-Content-Type-Options",
                        "nosniff",
                        "Referrer-Policy",
                        "no-referrer",
                        "Cache-Control",
                        "no-store"),
                head ? null : bytes,
                null);
    }
}
