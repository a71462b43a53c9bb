package dev.actiongate.agent.fleet;

import java.io.Closeable;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens, on a connection of its own, for what other instances commit: decisions and expiries
 * of approvals ({@code LISTEN actiongate_approvals}), which wake this instance's callers waiting
 * on them at once, with no polling; and denials counted toward escalation ({@code LISTEN
 * actiongate_events}), which tell the {@link FleetCounter} which keys it no longer knows to be
 * empty. When the connection drops it reconnects and re-reads what its waiters wait on, and the
 * counter forgets what it knew, since a notice sent meanwhile is lost.
 */
final class FleetNotices implements Closeable {

    private final FleetDatabase database;
    private final FleetApprovals approvals;
    private final FleetCounter counter;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection connection;

    FleetNotices(FleetDatabase database, FleetApprovals approvals, FleetCounter counter) {
        this.database = database;
        this.approvals = approvals;
        this.counter = counter;
        this.thread = new Thread(this::listenForever, "actiongate-fleet-notices");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void listenForever() {
        boolean lost = false;
        while (!closed) {
            try (Connection listening = database.dedicated()) {
                connection = listening;
                try (Statement listen = listening.createStatement()) {
                    listen.execute("LISTEN " + ApprovalRows.CHANNEL);
                    listen.execute("LISTEN " + FleetCounter.CHANNEL);
                }
                if (lost) {
                    log().info("notices from {} resumed", database.describe());
                    lost = false;
                }
                counter.heard();
                counter.noticed(true);
                approvals.waiters().recheck(approvals::current);
                PGConnection pg = listening.unwrap(PGConnection.class);
                try (Statement ping = listening.createStatement()) {
                    while (!closed) {
                        PGNotification[] notices = pg.getNotifications(1_000);
                        if (notices != null) {
                            for (PGNotification notice : notices) {
                                take(notice);
                            }
                        }
                        // A partition does not fail a waiting connection: proof that it still answers.
                        ping.execute("SELECT 1");
                        counter.heard();
                    }
                }
            } catch (SQLException | IOException | RuntimeException e) {
                counter.noticed(false);
                if (closed) {
                    return;
                }
                if (!lost) {
                    log().warn(
                                    "notices from {} stopped ({}); callers held on this instance wake when they are"
                                            + " back or their wait ends, and denials are counted in the database"
                                            + " for every call meanwhile",
                                    database.describe(),
                                    e.getMessage());
                    lost = true;
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void take(PGNotification notice) {
        if (FleetCounter.CHANNEL.equals(notice.getName())) {
            counter.changed(notice.getParameter());
        } else {
            wake(notice.getParameter());
        }
    }

    private void wake(String id) {
        var approval = approvals.current(id);
        if (approval != null) {
            approvals.waiters().wake(approval);
        }
    }

    @Override
    public void close() {
        closed = true;
        counter.noticed(false);
        thread.interrupt();
        Connection listening = connection;
        if (listening != null) {
            FleetDatabase.closeQuietly(listening);
        }
    }

    private static Logger log() {
        return LoggerFactory.getLogger("actiongate");
    }
}
