package dev.actiongate.demo;

import java.nio.file.Path;

/**
 * The demo's command line.
 *
 * @param smtp    the external SMTP server, or {@code null} to start an embedded one
 * @param records the agent's records file to read matched rules from, or {@code null}
 * @param help    {@code --help} was given
 */
record DemoOptions(SmtpAddress smtp, Path records, boolean help) {

    static final String USAGE = String.join("\n",
            "usage: java -javaagent:actiongate-agent.jar=policy=policy.yaml,records=FILE \\",
            "            -jar actiongate-demo-app.jar [--records FILE] [--smtp HOST:PORT]",
            "",
            "Sends customer emails through the governed CustomerMailer.send and prints what",
            "the policy decided and what the SMTP server received. Exits 0 when every request got",
            "the verdict policy.yaml should give it and exactly the allowed emails were delivered,",
            "1 when any request diverged, 2 on a usage error.",
            "",
            "  --records FILE    the records file the agent writes; used to show the rules that",
            "                    matched an allowed call (a denial names them itself)",
            "  --smtp HOST:PORT  send to this SMTP server instead of an embedded GreenMail; then",
            "                    the demo can only tell whether an email was sent, not delivered",
            "  -h, --help        print this help");

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
                throw new IllegalArgumentException("--smtp port must be 1-65535, got '" + text.substring(colon + 1) + "'");
            }
            return new SmtpAddress(text.substring(0, colon), port);
        }
    }

    /** @throws IllegalArgumentException on an unknown option or a missing or malformed value */
    static DemoOptions parse(String... args) {
        SmtpAddress smtp = null;
        Path records = null;
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
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        return new DemoOptions(smtp, records, help);
    }

    private static String next(String[] args, int index, String option) {
        if (index >= args.length || args[index].isBlank()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
