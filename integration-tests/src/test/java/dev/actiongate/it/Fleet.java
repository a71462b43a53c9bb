package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.apps.ApprovalApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fleet of the end-to-end tests: one real PostgreSQL server for the whole test run (started
 * by the first test class that needs it, removed when the run ends: {@code initdb} costs seconds
 * a class), a database of its own per case, and instances of one service on it, each a forked
 * JVM with the agent in a folder of its own. A test class registers it with
 * {@code @RegisterExtension static final Fleet fleet = new Fleet();}. The test classes run one
 * after another, so an {@link #outage} stops the server for everyone and starts it again.
 */
final class Fleet implements BeforeAllCallback {

    /** The admin token of every instance {@link #mailInstance} starts. */
    static final String TOKEN = "fleet-admin-token-0123456789abcdef";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Fleet.class);

    private PostgresServer postgres;

    @Override
    public void beforeAll(ExtensionContext context) {
        // An AutoCloseable in the root store is closed when the whole run ends.
        postgres = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(PostgresServer.class, type -> start(), PostgresServer.class);
    }

    private static PostgresServer start() {
        try {
            return PostgresServer.start();
        } catch (Exception e) {
            throw new IllegalStateException("PostgreSQL for the fleet tests did not start: " + e, e);
        }
    }

    /**
     * A database outage while {@code app} runs its steps between its marks {@code before} and
     * {@code down}: once it is at {@code before}, stops the server and signals {@code down}; its
     * calls must reach {@code down} within 15 s, refused at once rather than after a long
     * timeout; then starts the server again, whatever happened, and signals {@code up}.
     */
    void outage(AgentApp.Running app) throws Exception {
        app.awaitMark("before");
        postgres.stop();
        try {
            long asked = System.nanoTime();
            app.signal("down");
            app.awaitMark("down");
            long tookMillis = (System.nanoTime() - asked) / 1_000_000;
            assertTrue(tookMillis < 15_000, "denied after " + tookMillis + " ms, not at once");
        } finally {
            postgres.startServer();
        }
        app.signal("up");
    }

    /** Stops the server for everyone, at once (as a crash would), for a test of an outage under load. */
    void stopServer() throws Exception {
        postgres.stop();
    }

    /** Starts the server {@link #stopServer} stopped. */
    void startServer() throws Exception {
        postgres.startServer();
    }

    /**
     * The JDK replica {@code name} runs on: {@code a} and {@code c} on the JDK running the tests,
     * {@code b} on JDK 25. A fleet case runs once with its replicas on both JDKs, as in a fleet
     * being moved to a new JDK one replica at a time, rather than once per JDK: the same coverage
     * of each JDK, plus a mixed fleet, in half the forked JVMs.
     */
    static Jdk jdkOf(String name) {
        return (name.charAt(name.length() - 1) - 'a') % 2 == 1 ? Jdk.jdk25() : Jdk.running();
    }

    /** A new database for case {@code name} on {@code jdk}; returns its URL, the agent's {@code store=}. */
    String store(String name, Jdk jdk) throws SQLException {
        return store(name + "_jdk" + jdk.feature());
    }

    /** A new database named after {@code name}; returns its URL, the agent's {@code store=}. */
    String store(String name) throws SQLException {
        return postgres.database(name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_"));
    }

    /** A connection to the database of {@code store} as the superuser, for checking what the agents wrote. */
    Connection connect(String store) throws SQLException {
        return postgres.connect(store.substring(store.lastIndexOf('/') + 1));
    }

    /**
     * The policy of the {@code mail} service: mail to {@code h@} or {@code f@} waits for olivia's
     * approval, to an {@code x} address is blocked, three denials within ten minutes escalate,
     * and what no rule matches gets {@code defaultVerdict}.
     */
    static String mailPolicy(String defaultVerdict) {
        return """
                version: "it-fleet-1"
                default: %s
                escalation:
                  after_denials: 3
                  within: 10m
                rules:
                  - id: owner-approval
                    action: send_customer_email
                    when: 'args.to.startsWith("h@") || args.to.startsWith("f@")'
                    verdict: require_approval
                    approvers: [olivia]
                    approval_timeout: 60s
                  - id: blocked
                    action: send_customer_email
                    when: 'args.to.startsWith("x")'
                    verdict: deny
                    reason: "x addresses are blocked"
                """.formatted(defaultVerdict);
    }

    /**
     * Instance {@code name} of the {@code mail} service on {@code store} under {@code policy}, with
     * its admin API ({@link #TOKEN}), running {@link ApprovalApp} through {@code steps}.
     */
    static AgentApp.Running mailInstance(Jdk jdk, Path dir, String store, String name, String policy, String... steps)
            throws Exception {
        return instance(jdk, dir, store, "mail", name)
                .policy(policy)
                .admin(TOKEN)
                .main(ApprovalApp.class, steps)
                .start();
    }

    /**
     * Instance {@code name} of {@code service} (none when {@code null}) on {@code store}, in
     * {@code dir/name}; the test adds its policy, admin API and main class.
     */
    static AgentApp instance(Jdk jdk, Path dir, String store, String service, String name) throws Exception {
        return AgentApp.on(jdk, Files.createDirectories(dir.resolve(name)))
                // Up to four JVMs start at once on a small machine: give start-up time rather than fail a call.
                .option("store=" + store + ",store_user=actiongate,instance=" + name
                        + (service == null ? "" : ",service=" + service) + ",startup_timeout=60s")
                .timeout(Duration.ofMinutes(2));
    }
}
