package dev.actiongate.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one configuration value each: a bad value is a warning naming the key and what was
 * expected, and the key falls back to a safe default; nothing here throws.
 */
final class ConfigValues {

    private ConfigValues() {}

    /** The incident webhook's address, or {@code null} (with a warning) when it is not an http(s) URL. */
    static URI webhook(String value, List<String> warnings) {
        return httpUrl(AgentConfig.INCIDENT_WEBHOOK, value, "incidents are recorded but not posted", warnings);
    }

    /**
     * {@code value} of {@code key} as an http(s) URL, or {@code null} when there is none; one that is
     * not usable is {@code null} too, with a warning that ends in {@code otherwise}.
     */
    static URI httpUrl(String key, String value, String otherwise, List<String> warnings) {
        if (value == null) {
            return null;
        }
        try {
            URI url = new URI(value);
            if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
                throw new URISyntaxException(value, "not an http or https URL");
            }
            if (url.getHost() == null) {
                throw new URISyntaxException(value, "no host");
            }
            return url;
        } catch (URISyntaxException e) {
            warnings.add(key + "='" + value + "' is not usable (" + e.getMessage() + "); " + otherwise);
            return null;
        }
    }

    /** The admin API's settings, or {@code null} when admin_port is not set or not a port number. */
    static AgentConfig.Admin admin(Map<String, String> values, List<String> warnings) {
        String port = AgentConfig.blankToNull(values.get(AgentConfig.ADMIN_PORT));
        if (port == null) {
            return null;
        }
        try {
            int number = Integer.parseInt(port);
            if (number < 0 || number > 65535) {
                throw new NumberFormatException();
            }
            String token = AgentConfig.blankToNull(values.get(AgentConfig.ADMIN_TOKEN));
            String tokenFile = AgentConfig.blankToNull(values.get(AgentConfig.ADMIN_TOKEN_FILE));
            String reviewerTokensFile = AgentConfig.blankToNull(values.get(AgentConfig.REVIEWER_TOKENS_FILE));
            return new AgentConfig.Admin(
                    number,
                    values.getOrDefault(AgentConfig.ADMIN_BIND, "127.0.0.1"),
                    token,
                    tokenFile == null ? null : Path.of(tokenFile),
                    reviewerTokensFile == null ? null : Path.of(reviewerTokensFile));
        } catch (NumberFormatException e) {
            warnings.add("admin_port='" + port + "' is not a port number; the admin API stays off");
            return null;
        }
    }

    /** A true-or-false key, {@code true} unless set otherwise; a value that is neither is a warning. */
    static boolean flag(Map<String, String> values, String key, String whenUnclear, List<String> warnings) {
        String value = values.get(key);
        if (value == null) {
            return true;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> {
                warnings.add(key + "='" + value + "' is not true or false; " + whenUnclear);
                yield true;
            }
        };
    }

    static Duration duration(Map<String, String> values, String key, Duration fallback, List<String> warnings) {
        String text = AgentConfig.blankToNull(values.get(key));
        if (text == null) {
            return fallback;
        }
        Duration parsed = Durations.parse(text);
        if (parsed == null) {
            warnings.add(
                    key + "='" + text + "' is not a duration such as 30s, 5m or 1h; using " + Durations.text(fallback));
            return fallback;
        }
        return parsed;
    }

    /** A whole number from 1 up; anything else is a warning and {@code fallback} applies. */
    static int count(Map<String, String> values, String key, int fallback, List<String> warnings) {
        String text = AgentConfig.blankToNull(values.get(key));
        if (text == null) {
            return fallback;
        }
        int parsed = 0;
        try {
            parsed = Integer.parseInt(text.replace("_", ""));
        } catch (NumberFormatException e) {
            // not a number at all: the same warning as zero or less
        }
        if (parsed < 1) {
            warnings.add(key + "='" + text + "' is not a whole number from 1 to " + Integer.MAX_VALUE + "; using "
                    + fallback);
            return fallback;
        }
        return parsed;
    }

    static Map<String, String> parseAgentArgs(String agentArgs, List<String> warnings) {
        Map<String, String> args = new LinkedHashMap<>();
        if (agentArgs == null || agentArgs.isBlank()) {
            return args;
        }
        for (String pair : agentArgs.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                warnings.add("agent argument '" + pair + "' is not key=value; ignored");
                continue;
            }
            args.put(
                    pair.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                    pair.substring(eq + 1).trim());
        }
        return args;
    }

    /**
     * {@code actor=user_id,tenant=tenant_id}; in agent arguments, whose pairs are separated by
     * commas, write {@code context_mdc=actor=user_id;tenant=tenant_id}.
     */
    static Map<String, String> contextMdc(String value, List<String> warnings) {
        Map<String, String> mapping = new LinkedHashMap<>();
        if (value == null) {
            return mapping;
        }
        for (String entry : value.split("[,;]")) {
            int eq = entry.indexOf('=');
            String field = eq < 0 ? entry.trim() : entry.substring(0, eq).trim();
            String key = eq < 0 ? "" : entry.substring(eq + 1).trim();
            if (!AgentConfig.CONTEXT_FIELDS.contains(field) || key.isEmpty()) {
                warnings.add("context_mdc entry '" + entry.trim()
                        + "' ignored: expected FIELD=MDC_KEY with FIELD one of "
                        + String.join(
                                ", ",
                                AgentConfig.CONTEXT_FIELDS.stream().sorted().toList()));
            } else {
                mapping.put(field, key);
            }
        }
        return mapping;
    }

    /** {@code store}, {@code store_user}, {@code store_password_file} and {@code instance}; {@code store=file} is no database. */
    static AgentConfig.Store store(Map<String, String> values) {
        String url = AgentConfig.blankToNull(values.get(AgentConfig.STORE));
        String passwordFile = AgentConfig.blankToNull(values.get(AgentConfig.STORE_PASSWORD_FILE));
        String instance = AgentConfig.blankToNull(values.get(AgentConfig.INSTANCE));
        return new AgentConfig.Store(
                url == null || url.equals("file") ? null : url,
                AgentConfig.blankToNull(values.get(AgentConfig.STORE_USER)),
                passwordFile == null ? null : Path.of(passwordFile),
                instance);
    }
}
