package dev.actiongate.agent.records;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The decisions of a whole fleet, as its shared database holds their records: a search over the
 * decisions, and every record of one decision. Defined here, next to the records it reads, so
 * that the admin API reads it and the fleet implements it without either knowing the other.
 */
public interface DecisionHistory {

    /** The newest decisions that match {@code query}, newest first, at most {@code query.limit()}. */
    List<Decision> search(Query query) throws IOException;

    /** Every record of the decision {@code decisionId}, in the order written; empty when there is none. */
    List<Entry> decision(String decisionId) throws IOException;

    /**
     * What to look for; a {@code null} field matches anything.
     *
     * @param since the earliest time, inclusive
     * @param until the latest time, exclusive
     * @param limit how many decisions at most, 1 to {@link #MAX_LIMIT}
     */
    record Query(String action, String verdict, String actor, String tenant, Instant since, Instant until, int limit) {

        public static final int DEFAULT_LIMIT = 50;
        public static final int MAX_LIMIT = 500;

        public Query {
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
            }
            if (since != null && until != null && !since.isBefore(until)) {
                throw new IllegalArgumentException("since (" + since + ") must be before until (" + until + ")");
            }
        }
    }

    /** One decision as a search lists it. */
    record Decision(
            Instant at,
            String service,
            String instance,
            String action,
            String verdict,
            String actor,
            String tenant,
            String decisionId) {}

    /**
     * One record of a decision.
     *
     * @param line the record's exact JSON line
     */
    record Entry(String service, String instance, String line) {}
}
