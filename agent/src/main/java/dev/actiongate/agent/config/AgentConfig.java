package dev.actiongate.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The agent's settings, resolved once at start-up from, highest precedence first: agent
 * arguments ({@code policy=/p.yaml,records=/r.jsonl}), system properties
 * ({@code -Dactiongate.policy=...}), environment variables ({@code ACTIONGATE_POLICY=...}) and
 * defaults.
 *
 * @param policy      the policy file, or {@code null} when none is configured (every call denied)
 * @param records     the decision records file (JSON Lines)
 * @param recordsJournal whether decisions go through the memory-mapped journal beside the records
 *                    file ({@code true}) or are written to the records file itself, one system
 *                    call each, before the governed body runs
 * @param sealing     how the records' chain is sealed: the key file, where checkpoints also go
 * @param environment the environment a call runs in unless its context names one
 * @param service     the service name written into every record
 * @param enabled     {@code false}: the agent installs nothing
 * @param incidentWebhook where incidents are posted as JSON, or {@code null}
 * @param contextMdc  context field ({@code actor}, {@code tenant}, ...) to the application's SLF4J
 *                    MDC key read when no {@code ActionContext} scope sets that field
 * @param admin       the admin HTTP API's settings, or {@code null} when {@code admin_port} is not set
 * @param approvals   how calls held for approval wait, expire and are stored
 * @param startupTimeout how long start-up I/O (reading the policy on the application's main
 *                    thread) and governed calls waiting for start-up may take before they fail
 *                    closed with the cause
 * @param argumentLimits how much of one call's arguments is converted for its policy and record
 * @param store       where approvals and counters are kept: this JVM's files, or a database the
 *                    replicas of a service share
 * @param sources     where each key's value came from, for the start-up log
 * @param warnings    problems worth a start-up warning (unknown keys, bad values)
 */
public record AgentConfig(
        Path policy,
        Path records,
        boolean recordsJournal,
        Sealing sealing,
        String environment,
        String service,
        boolean enabled,
        URI incidentWebhook,
        Map<String, String> contextMdc,
        Admin admin,
        Approvals approvals,
        Duration startupTimeout,
        ArgumentLimits argumentLimits,
        Store store,
        Map<String, String> sources,
        List<String> warnings) {

    /**
     * The admin HTTP API: off unless a port is given; loopback unless told otherwise; every
     * request needs the bearer token, given directly or in a file. With a reviewer tokens file,
     * approvals are reviewed with each reviewer's own token, and the admin token reviews nothing.
     */
    public record Admin(int port, String bind, String token, Path tokenFile, Path reviewerTokensFile) {}

    /**
     * Approvals.
     *
     * @param timeout  how long a caller waits for a reviewer unless its rule says otherwise
     * @param validity how long a pending request, or a granted approval not yet used, stays usable
     * @param store    the file that keeps pending and granted approvals across restarts
     */
    public record Approvals(Duration timeout, Duration validity, Path store) {}

    /**
     * Sealing of the records' chain. Each checkpoint also goes to one trail: {@code checkpointsUrl}
     * when set, else {@code checkpoints}, else the log ({@code actiongate.checkpoints}).
     *
     * @param key            the forward-secure key file, made (owner-only) when missing
     * @param checkpoints    a file every checkpoint is appended to as well, or {@code null}
     * @param checkpointsUrl an http(s) URL every checkpoint is POSTed to, or {@code null}
     */
    public record Sealing(Path key, Path checkpoints, URI checkpointsUrl) {}

    /**
     * How much of one call's arguments is converted for its policy and its record, so that an
     * argument that contains itself or shares its parts many times over costs a bounded amount.
     * Past either limit the rest is cut: the record says so, and a condition that reads past the
     * cut denies naming the limit.
     *
     * @param maxNodes elements converted per call: list items, map entries, properties read
     * @param maxChars characters of text the conversion makes per call (a {@code StringBuilder}'s
     *                 content, a key's or a date's text); strings, passed as they are, cost none
     */
    public record ArgumentLimits(int maxNodes, int maxChars) {

        public static final ArgumentLimits DEFAULT = new ArgumentLimits(10_000, 1_048_576);
    }

    /**
     * The store shared by a fleet of agents, or none.
     *
     * @param url          {@code null} for the files of this JVM ({@code store=file}, the
     *                     default), else the JDBC URL as given (checked when it is opened)
     * @param user         the database user, or {@code null} for {@code PGUSER} or the driver's default
     * @param passwordFile a file holding the password (owner-only), or {@code null} for {@code PGPASSWORD}
     * @param instance     this JVM's name within its service, shown wherever a decision or approval
     *                     is, or {@code null} for host and pid (named at start-up, off the main
     *                     thread: finding the host's name may wait for DNS)
     */
    public record Store(String url, String user, Path passwordFile, String instance) {

        /** Whether a database is configured. */
        public boolean shared() {
            return url != null;
        }
    }

    public static final String POLICY = "policy";
    public static final String RECORDS = "records";
    public static final String RECORDS_JOURNAL = "records_journal";
    public static final String RECORDS_KEY = "records_key";
    public static final String RECORDS_CHECKPOINTS = "records_checkpoints";
    public static final String ENVIRONMENT = "environment";
    public static final String SERVICE = "service";
    public static final String ENABLED = "enabled";
    public static final String INCIDENT_WEBHOOK = "incident_webhook";
    public static final String CONTEXT_MDC = "context_mdc";
    public static final String ADMIN_PORT = "admin_port";
    public static final String ADMIN_BIND = "admin_bind";
    public static final String ADMIN_TOKEN = "admin_token";
    public static final String ADMIN_TOKEN_FILE = "admin_token_file";
    public static final String REVIEWER_TOKENS_FILE = "reviewer_tokens_file";
    public static final String APPROVAL_TIMEOUT = "approval_timeout";
    public static final String APPROVAL_VALIDITY = "approval_validity";
    public static final String APPROVALS = "approvals";
    public static final String STARTUP_TIMEOUT = "startup_timeout";
    public static final String ARGS_MAX_NODES = "args_max_nodes";
    public static final String ARGS_MAX_CHARS = "args_max_chars";
    public static final String STORE = "store";
    public static final String STORE_USER = "store_user";
    public static final String STORE_PASSWORD_FILE = "store_password_file";
    public static final String INSTANCE = "instance";

    /** The context fields {@code context_mdc} may fill. */
    public static final Set<String> CONTEXT_FIELDS = Set.of("actor", "on_behalf_of", "tenant", "reason");

    /** Every key the agent understands; anything else is a start-up warning. */
    public static final Set<String> KEYS = Set.of(
            POLICY,
            RECORDS,
            RECORDS_JOURNAL,
            RECORDS_KEY,
            RECORDS_CHECKPOINTS,
            ENVIRONMENT,
            SERVICE,
            ENABLED,
            INCIDENT_WEBHOOK,
            CONTEXT_MDC,
            ADMIN_PORT,
            ADMIN_BIND,
            ADMIN_TOKEN,
            ADMIN_TOKEN_FILE,
            REVIEWER_TOKENS_FILE,
            APPROVAL_TIMEOUT,
            APPROVAL_VALIDITY,
            APPROVALS,
            STARTUP_TIMEOUT,
            ARGS_MAX_NODES,
            ARGS_MAX_CHARS,
            STORE,
            STORE_USER,
            STORE_PASSWORD_FILE,
            INSTANCE);

    static final String PROPERTY_PREFIX = "actiongate.";
    static final String ENV_PREFIX = "ACTIONGATE_";

    public AgentConfig {
        contextMdc = Map.copyOf(contextMdc);
        sources = Map.copyOf(sources);
        warnings = List.copyOf(warnings);
    }

    /** Resolves the configuration of this JVM. */
    public static AgentConfig resolve(String agentArgs, Map<?, ?> systemProperties, Map<String, String> environment) {
        List<String> warnings = new ArrayList<>();
        Map<String, String> args = ConfigValues.parseAgentArgs(agentArgs, warnings);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        layer(args, systemProperties, environment, values, sources);
        warnUnknownKeys(args, systemProperties, environment, warnings);

        String policy = blankToNull(values.get(POLICY));
        String records = values.getOrDefault(RECORDS, "actiongate-decisions.jsonl");
        String env = values.getOrDefault(ENVIRONMENT, "development");
        String service = values.getOrDefault(SERVICE, defaultService(systemProperties));
        boolean enabled = ConfigValues.flag(values, ENABLED, "the agent stays enabled", warnings);
        boolean recordsJournal =
                ConfigValues.flag(values, RECORDS_JOURNAL, "decisions go through the journal", warnings);
        URI webhook = ConfigValues.webhook(blankToNull(values.get(INCIDENT_WEBHOOK)), warnings);
        Map<String, String> contextMdc = ConfigValues.contextMdc(blankToNull(values.get(CONTEXT_MDC)), warnings);
        Admin admin = ConfigValues.admin(values, warnings);
        Approvals approvals = new Approvals(
                ConfigValues.duration(values, APPROVAL_TIMEOUT, Duration.ofMinutes(5), warnings),
                ConfigValues.duration(values, APPROVAL_VALIDITY, Duration.ofHours(1), warnings),
                Path.of(values.getOrDefault(
                        APPROVALS, approvalsBeside(Path.of(records)).toString())));
        Duration startupTimeout = ConfigValues.duration(values, STARTUP_TIMEOUT, Duration.ofSeconds(10), warnings);
        ArgumentLimits argumentLimits = new ArgumentLimits(
                ConfigValues.count(values, ARGS_MAX_NODES, ArgumentLimits.DEFAULT.maxNodes(), warnings),
                ConfigValues.count(values, ARGS_MAX_CHARS, ArgumentLimits.DEFAULT.maxChars(), warnings));
        return new AgentConfig(
                policy == null ? null : Path.of(policy),
                Path.of(records),
                recordsJournal,
                sealing(values, Path.of(records), warnings),
                env,
                service,
                enabled,
                webhook,
                contextMdc,
                admin,
                approvals,
                startupTimeout,
                argumentLimits,
                ConfigValues.store(values),
                sources,
                warnings);
    }

    /** Each key from the first place that sets it: agent argument, then system property, then environment. */
    private static void layer(
            Map<String, String> args,
            Map<?, ?> systemProperties,
            Map<String, String> environment,
            Map<String, String> values,
            Map<String, String> sources) {
        for (String key : KEYS) {
            String fromArgs = args.get(key);
            Object fromProperty = systemProperties.get(PROPERTY_PREFIX + key);
            String fromEnv = environment.get(ENV_PREFIX + key.toUpperCase(Locale.ROOT));
            if (fromArgs != null) {
                values.put(key, fromArgs);
                sources.put(key, "agent argument");
            } else if (fromProperty != null) {
                values.put(key, fromProperty.toString());
                sources.put(key, "system property " + PROPERTY_PREFIX + key);
            } else if (fromEnv != null) {
                values.put(key, fromEnv);
                sources.put(key, "environment variable " + ENV_PREFIX + key.toUpperCase(Locale.ROOT));
            }
        }
    }

    /** A misspelt key would otherwise be silently ignored: each one is a start-up warning. */
    private static void warnUnknownKeys(
            Map<String, String> args,
            Map<?, ?> systemProperties,
            Map<String, String> environment,
            List<String> warnings) {
        for (String key : args.keySet()) {
            if (!KEYS.contains(key)) {
                warnings.add("unknown agent argument '" + key + "' ignored; known keys: " + known());
            }
        }
        for (Object name : systemProperties.keySet()) {
            String property = name.toString();
            if (property.startsWith(PROPERTY_PREFIX) && !KEYS.contains(property.substring(PROPERTY_PREFIX.length()))) {
                warnings.add("unknown system property '" + property + "' ignored; known keys: " + known());
            }
        }
        for (String variable : environment.keySet()) {
            if (variable.startsWith(ENV_PREFIX)
                    && !KEYS.contains(variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT))) {
                warnings.add("unknown environment variable '" + variable + "' ignored; known keys: " + known());
            }
        }
    }

    /** The key file ({@code <records>.key} by default) and the checkpoint trail: the log, a file or an http(s) URL. */
    private static Sealing sealing(Map<String, String> values, Path records, List<String> warnings) {
        String key = blankToNull(values.get(RECORDS_KEY));
        Path keyFile = key == null ? siblingOf(records, ".key") : Path.of(key);
        String checkpoints = blankToNull(values.get(RECORDS_CHECKPOINTS));
        if (checkpoints == null || checkpoints.equals("log")) {
            return new Sealing(keyFile, null, null);
        }
        if (checkpoints.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            URI url = ConfigValues.httpUrl(
                    RECORDS_CHECKPOINTS,
                    checkpoints,
                    "checkpoints go to the log (logger actiongate.checkpoints) instead",
                    warnings);
            return new Sealing(keyFile, null, url);
        }
        return new Sealing(keyFile, Path.of(checkpoints), null);
    }

    /** {@code records} with {@code suffix} appended to its name, beside it. */
    private static Path siblingOf(Path records, String suffix) {
        Path name = records.getFileName();
        return name == null
                ? records.resolve("actiongate-decisions.jsonl" + suffix)
                : records.resolveSibling(name + suffix);
    }

    static Path approvalsBeside(Path records) {
        if (records.getFileName() == null) {
            // records=/ names no file; opening it fails closed with that path, the store goes beside nothing.
            return records.resolve("actiongate-decisions.approvals.jsonl");
        }
        String name = records.getFileName().toString();
        String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
        return records.resolveSibling(base + ".approvals.jsonl");
    }

    private static String defaultService(Map<?, ?> systemProperties) {
        Object command = systemProperties.get("sun.java.command");
        if (command == null || command.toString().isBlank()) {
            return "unknown-service";
        }
        String first = command.toString().trim().split("\\s+")[0];
        if (first.endsWith(".jar")) {
            String file = Path.of(first).getFileName().toString();
            return file.substring(0, file.length() - ".jar".length());
        }
        return first;
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String known() {
        return String.join(", ", KEYS.stream().sorted().toList());
    }
}
