package dev.actiongate.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands that talk to a running agent's admin API: {@code status}, {@code reload},
 * {@code approvals}, {@code governance}. Each takes {@code --url} and {@code --token-file}.
 */
final class AdminCommands {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminCommands() {}

    static int approvals(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2) {
            return Cli.usage(err);
        }
        switch (args[1]) {
            case "list":
                return call(args, 2, "GET", "/approvals", null, out, err);
            case "approve":
            case "reject":
                if (args.length < 3 || args[2].startsWith("--")) {
                    err.println("approvals " + args[1] + " needs the approval's id");
                    return Cli.usage(err);
                }
                Map<String, String> options = options(args, 3, err);
                if (options == null) {
                    return Cli.usage(err);
                }
                Map<String, String> body = new LinkedHashMap<>();
                body.put("reviewer", options.get("--reviewer"));
                body.put("comment", options.get("--comment"));
                return call(args, 3, "POST", "/approvals/" + args[2] + "/" + args[1], body, out, err);
            default:
                err.println("unknown approvals command '" + args[1] + "'");
                return Cli.usage(err);
        }
    }

    static int governance(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = options(args, 1, err);
        if (options == null) {
            return Cli.usage(err);
        }
        if (options.get("--by") == null || (options.get("--enabled") == null && options.get("--mode") == null)) {
            err.println("governance needs --by NAME and --enabled true|false or --mode monitor|enforce|policy");
            return Cli.usage(err);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        String enabled = options.get("--enabled");
        if (enabled != null) {
            if (!enabled.equals("true") && !enabled.equals("false")) {
                err.println("--enabled must be true or false");
                return Cli.usage(err);
            }
            body.put("enabled", Boolean.parseBoolean(enabled));
        }
        body.put("mode", options.get("--mode"));
        body.put("by", options.get("--by"));
        body.put("reason", options.get("--reason"));
        return call(args, 1, "POST", "/governance", body, out, err);
    }

    /**
     * {@code status}, which fails when classes that may have governed methods could not be
     * instrumented: they run ungoverned, and a health check must not call that healthy.
     */
    static int status(String[] args, PrintStream out, PrintStream err) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int code = call(args, 1, "GET", "/status", null, new PrintStream(body, true, StandardCharsets.UTF_8), err);
        String text = body.toString(StandardCharsets.UTF_8);
        out.print(text);
        if (code != 0) {
            return code;
        }
        try {
            JsonNode status = JSON.readTree(text);
            JsonNode failures = status.path("instrumentation_failures");
            int count = status.path("instrumentation_failures_count").asInt(failures.size());
            if (count == 0) {
                return 0;
            }
            err.println(
                    count + " class(es) could not be instrumented; their governed methods, if any, run UNGOVERNED:");
            for (JsonNode failure : failures) {
                err.println("  " + failure.path("type").asText() + " (class loader "
                        + failure.path("loader").asText() + ", "
                        + failure.path("timestamp").asText() + "): "
                        + failure.path("cause").asText());
            }
            if (count > failures.size()) {
                err.println("  ... and " + (count - failures.size()) + " more: see the instrumentation_failed records");
            }
            return Cli.INSTRUMENTATION_FAILED;
        } catch (IOException e) {
            err.println("the agent's status is not JSON: " + e.getMessage());
            return 1;
        }
    }

    /** {@code --name value} pairs from {@code args[from]} on; {@code null} after reporting a bad one. */
    private static Map<String, String> options(String[] args, int from, PrintStream err) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = from; i < args.length; i += 2) {
            if (!KNOWN_OPTIONS.contains(args[i]) || i + 1 >= args.length) {
                err.println(
                        KNOWN_OPTIONS.contains(args[i])
                                ? args[i] + " needs a value"
                                : "unknown option '" + args[i] + "'");
                return null;
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static final List<String> KNOWN_OPTIONS =
            List.of("--url", "--token-file", "--reviewer", "--comment", "--enabled", "--mode", "--by", "--reason");

    /** Calls the admin API of a running agent; the options start at {@code args[from]}. */
    static int call(
            String[] args,
            int from,
            String method,
            String path,
            Map<String, ?> body,
            PrintStream out,
            PrintStream err) {
        Map<String, String> options = options(args, from, err);
        if (options == null) {
            return Cli.usage(err);
        }
        String url = options.get("--url");
        String tokenFile = options.get("--token-file");
        if (url == null || tokenFile == null) {
            err.println(String.join(" ", Arrays.copyOf(args, from)) + " needs --url and --token-file");
            return Cli.usage(err);
        }
        try {
            String token = Files.readString(Path.of(tokenFile)).trim();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token);
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response =
                    HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            (response.statusCode() == 200 ? out : err).println(response.body());
            return response.statusCode() == 200 ? 0 : 1;
        } catch (IOException | IllegalArgumentException e) {
            err.println("cannot reach " + url + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
