package dev.actiongate.agent.admin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] file = FILES.get(exchange.getRequestURI().getPath());
            if (file == null) {
                AdminServer.send(
                        exchange,
                        404,
                        Map.of(
                                "error",
                                "no such resource: " + exchange.getRequestURI().getPath()));
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")
                    && !exchange.getRequestMethod().equals("HEAD")) {
                AdminServer.send(exchange, 405, Map.of("error", "use GET"));
                return;
            }
            byte[] bytes;
            try (InputStream in = Console.class.getResourceAsStream(file[0])) {
                if (in == null) {
                    AdminServer.send(exchange, 500, Map.of("error", "the console is missing from the agent jar"));
                    return;
                }
                bytes = in.readAllBytes();
            }
            exchange.getResponseHeaders().set("Content-Type", file[1]);
            // Everything the page needs comes from this server; no inline script can run, no site can frame it.
            exchange.getResponseHeaders()
                    .set(
                            "Content-Security-Policy",
                            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }
}
