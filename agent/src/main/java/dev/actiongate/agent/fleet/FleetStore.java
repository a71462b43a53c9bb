package dev.actiongate.agent.fleet;

import dev.actiongate.agent.approvals.Approvals;
import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.escalation.EventCounter;
import dev.actiongate.agent.quota.QuotaCounter;
import dev.actiongate.agent.records.DecisionHistory;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * What a fleet of agents shares through one PostgreSQL database, as the gate needs it: the
 * approval desk, the escalation counter, the limits' budgets and the decisions every instance
 * shipped, and the threads that keep them current (the
 * listener for other instances' decisions, the sweeper that expires requests and forgets old
 * events). Opening it does not wait for the database: calls that need it fail, naming it,
 * until it can be reached.
 */
public final class FleetStore implements Closeable {

    /** A lease unused this long goes back to the database, for the other instances to spend. */
    private static final Duration IDLE_LEASE = Duration.ofSeconds(10);

    private final FleetDatabase database;
    private final FleetApprovals approvals;
    private final FleetCounter counter;
    private final QuotaRows quotaRows;
    private final QuotaLeases quotas;
    private final FleetNotices notices;
    private final RecordShipping shipping;
    private final Thread sweeper;

    private FleetStore(
            FleetDatabase database,
            FleetApprovals approvals,
            FleetCounter counter,
            RecordShipping shipping,
            String service) {
        this.database = database;
        this.approvals = approvals;
        this.counter = counter;
        this.quotaRows = new QuotaRows(database, service);
        this.quotas = new QuotaLeases(quotaRows);
        this.notices = new FleetNotices(database, approvals, counter);
        this.shipping = shipping;
        this.sweeper = new Thread(this::sweepForever, "actiongate-fleet-expiry");
        sweeper.setDaemon(true);
    }

    /**
     * Prepares the store {@code config.store()} names for this instance and starts its threads.
     *
     * @param recorder where the desk records reviews and expiries (this instance's records)
     * @param records  this instance's records file, shipped to the database as it grows
     * @throws IOException when the store is misconfigured (URL, password file)
     */
    public static FleetStore open(
            AgentConfig config,
            String instance,
            Approvals.Recorder recorder,
            Path records,
            Map<String, String> environment)
            throws IOException {
        FleetDatabase database = FleetDatabase.open(config.store(), config.service(), instance, environment);
        FleetApprovals approvals = new FleetApprovals(
                database, config.service(), instance, config.approvals().validity(), Clock.systemUTC(), recorder);
        FleetStore store = new FleetStore(
                database,
                approvals,
                new FleetCounter(database, config.service(), instance),
                new RecordShipping(database, records, config.service(), instance),
                config.service());
        approvals.closeWith(store);
        store.notices.start();
        store.sweeper.start();
        store.shipping.start();
        return store;
    }

    /**
     * Connects and migrates the schema now, within {@code timeout}; returns the schema version,
     * or says why the database cannot be used yet (start-up logs it; calls that need the store
     * are denied with the same cause until it can be).
     */
    public String connect(Duration timeout) {
        try {
            approvals.get("-");
            return "schema version " + database.schemaVersion();
        } catch (RuntimeException e) {
            return "not reachable yet (" + e.getMessage() + ")";
        }
    }

    public Approvals approvals() {
        return approvals;
    }

    public EventCounter counter() {
        return counter;
    }

    /** Every instance's decisions, as shipped to the database, for the console's decisions view. */
    public DecisionHistory decisions() {
        return new FleetDecisions(database);
    }

    /** The limits' budgets, leased from the shared database. */
    public QuotaCounter quotas() {
        return quotas;
    }

    /** The database as messages name it. */
    public String describe() {
        return database.describe();
    }

    private void sweepForever() {
        boolean failing = false;
        while (true) {
            try {
                Thread.sleep(1_000);
                approvals.expireDue();
                counter.forgetOld();
                quotas.returnIdle(IDLE_LEASE);
                quotaRows.forgetOld();
                failing = false;
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!failing) {
                    LoggerFactory.getLogger("actiongate")
                            .warn(
                                    "expiring approvals in {} failed, retried every second: {}",
                                    describe(),
                                    e.getMessage());
                    failing = true;
                }
            }
        }
    }

    @Override
    public void close() {
        sweeper.interrupt();
        try {
            quotas.close();
        } catch (IOException e) {
            LoggerFactory.getLogger("actiongate")
                    .warn("unused quota leases could not be returned to {}: {}", describe(), e.getMessage());
        }
        notices.close();
        shipping.close();
        database.close();
    }
}
