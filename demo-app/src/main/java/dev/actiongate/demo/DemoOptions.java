package dev.actiongate.demo;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's command line.
 *
 * @param smtp             the external SMTP server, or {@code null} to start an embedded one
 * @param records          the agent's records file to read matched rules from, or {@code null}
 * @param autoApproveAfter how long the demo lets the held row wait before approving it itself, or
 *                         {@code null} to leave the decision to a reviewer
 * @param reviewer         who the demo approves as
 * @param adminUrl         the agent's admin API, or {@code null} to find it as the agent does
 * @param tokenFile        the file holding the admin API's token, or {@code null} to find it as the
 *                         agent does
 * @param help             {@code --help} was given
 */
record DemoOptions(
        SmtpAddress smtp,
        Path records,
        Duration autoApproveAfter,
        String reviewer,
        URI adminUrl,
        Path tokenFile,
        boolean help) {

    /** A member of the shipped policy's {@code system-owners}, the approvers of row 5. */
    static final String DEFAULT_REVIEWER = "olivia";

    static final String USAGE = String.join(
            "\n",
            "usage: java -javaagent:actiongate-agent.jar=policy=policy.yaml,records=FILE \\",
            "            [-Dactiongate.admin_port=PORT -Dactiongate.admin_token_file=FILE] \\",
            "            -jar actiongate-demo-app.jar [--records FILE] [--smtp HOST:PORT]",
            "            [--auto-approve-after DURATION [--reviewer NAME]]",
            "            [--admin-url URL] [--token-file FILE]",
            "",
            "Sends customer emails through the governed CustomerMailer.send and prints what",
            "the policy decided and what the SMTP server received. Exits 0 when every request got",
            "the verdict policy.yaml should give it and exactly the allowed emails were delivered,",
            "1 when any request diverged, 2 on a usage error.",
            "",
            "Row 5 needs a system owner's approval: with the agent's admin API configured it waits",
            "for a reviewer (console or CLI, as printed at start); without it, it is refused at once.",
            "",
            "  --records FILE       the records file the agent writes; used to show the rules that",
            "                       matched an allowed call and who approved a held one",
            "  --smtp HOST:PORT     send to this SMTP server instead of an embedded GreenMail; then",
            "                       the demo can only tell whether an email was sent, not delivered",
            "  --auto-approve-after DURATION",
            "                       approve row 5 through the admin API once it has waited this",
            "                       long (500ms, 3s, 2m) instead of waiting for a human reviewer",
            "  --reviewer NAME      who --auto-approve-after approves as (default " + DEFAULT_REVIEWER + ")",
            "  --admin-url URL      the agent's admin API (default: http://ADMIN_BIND:ADMIN_PORT from",
            "                       the agent's settings: its arguments, -Dactiongate.admin_port and",
            "                       admin_bind, or ACTIONGATE_ADMIN_PORT and ACTIONGATE_ADMIN_BIND)",
            "  --token-file FILE    the file holding the admin API's token (default: the agent's",
            "                       admin_token_file, or its admin_token)",
            "  -h, --help           print this help");

    /** {@code 500ms}, {@code 3s}, {@code 2m}. */
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

    /** An SMTP server address given as {@code host:port}. */
    record SmtpAddress(String host, int port) {

        static SmtpAddress parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new IllegalArgumentException("--smtp expects HOST:PORT, got '" + text + "'");
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException(
                        "--smtp port must be 1-65535, got '" + text.substring(colon + 1) + "'");
            }
            return new SmtpAddress(text.substring(0, colon), port);
        }
    }

    /** @throws IllegalArgumentException on an unknown option or a missing or malformed value */
    static DemoOptions parse(String... args) {
        SmtpAddress smtp = null;
        Path records = null;
        Duration autoApproveAfter = null;
        String reviewer = null;
        URI adminUrl = null;
        Path tokenFile = null;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "-h", "--help" -> help = true;
                case "--smtp" -> smtp = SmtpAddress.parse(value != null ? value : next(args, ++i, arg));
                case "--records" -> records = Path.of(value != null ? value : next(args, ++i, arg));
                case "--auto-approve-after" ->
                    autoApproveAfter = duration(value != null ? value : next(args, ++i, arg));
                case "--reviewer" -> reviewer = nonBlank(value != null ? value : next(args, ++i, arg), arg);
                case "--admin-url" -> adminUrl = adminUrl(value != null ? value : next(args, ++i, arg));
                case "--token-file" -> tokenFile = Path.of(nonBlank(value != null ? value : next(args, ++i, arg), arg));
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        if (reviewer != null && autoApproveAfter == null) {
            // Said nothing otherwise: only the demo's own approval is made as someone.
            throw new IllegalArgumentException("--reviewer names who --auto-approve-after approves as; give both");
        }
        return new DemoOptions(
                smtp,
                records,
                autoApproveAfter,
                reviewer == null ? DEFAULT_REVIEWER : reviewer,
                adminUrl,
                tokenFile,
                help);
    }

    /** Parses {@code 500ms}, {@code 3s} or {@code 2m}. */
    static Duration duration(String text) {
        Matcher matcher = DURATION.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "--auto-approve-after expects a duration such as 500ms, 3s or 2m, got '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    /** The text a duration was given as, for messages: {@code 3s}, {@code 500ms}. */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static URI adminUrl(String text) {
        try {
            URI url = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if ((!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) || url.getHost() == null) {
                throw new URISyntaxException(text, "not an http or https URL with a host");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "--admin-url expects a URL such as http://127.0.0.1:8477, got '" + text + "'", e);
        }
    }

    private static String nonBlank(String value, String option) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value.trim();
    }

    private static String next(String[] args, int index, String option) {
        if (index >= args.length || args[index].isBlank()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
