package dev.actiongate.benchmarks;

/**
 * The PostgreSQL database the fleet benchmarks use: {@code -Dactiongate.bench.store} (a JDBC URL)
 * and {@code -Dactiongate.bench.store_user}, or the environment variables {@code BENCH_STORE} and
 * {@code BENCH_STORE_USER} that {@code benchmarks/with-postgres.sh} sets for the command it runs.
 * Not {@code ACTIONGATE_STORE}: every agent JVM would read that, also those meant to run without
 * a database.
 */
final class BenchStore {

    static final String PROPERTY = "actiongate.bench.store";
    static final String USER_PROPERTY = PROPERTY + "_user";
    static final String ENVIRONMENT = "BENCH_STORE";
    static final String USER_ENVIRONMENT = "BENCH_STORE_USER";

    private BenchStore() {}

    /**
     * The agent options that put instance {@code instance} of the benchmark service on the
     * database.
     *
     * @throws IllegalStateException when no database is given, saying how to give one
     */
    static String agentOptions(String instance, String needer) {
        String url = setting(PROPERTY, ENVIRONMENT);
        if (url == null) {
            throw new IllegalStateException(needer + " needs a PostgreSQL database: run it under"
                    + " benchmarks/with-postgres.sh, which starts a throwaway one, or name one with -D"
                    + PROPERTY + "=jdbc:postgresql://HOST:PORT/DATABASE (and -D" + USER_PROPERTY + "=NAME)");
        }
        if (url.contains(",")) {
            throw new IllegalStateException(
                    "the store URL " + url + " contains ',', which the -javaagent option cannot carry");
        }
        String user = setting(USER_PROPERTY, USER_ENVIRONMENT);
        // Several JVMs may start at once on a small machine: give start-up time rather than fail a call.
        return ",store=" + url + (user == null ? "" : ",store_user=" + user) + ",instance=" + instance
                + ",startup_timeout=60s";
    }

    private static String setting(String property, String environment) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environment);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }
}
