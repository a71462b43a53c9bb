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
 * Listens, on a connection of its own, for the decisions and expiries any instance commits
 * ({@code LISTEN actiongate_approvals}) and wakes this instance's callers waiting on them: a
 * held call goes on as soon as a reviewer anywhere decides, with no polling. When the
 * connection drops it reconnects and re-reads what its waiters wait on, since a notice sent
 * meanwhile is lost.
 */
final class ApprovalNotices implements Closeable {

    private final FleetDatabase database;
    private final FleetApprovals approvals;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection connection;

    ApprovalNotices(FleetDatabase database, FleetApprovals approvals) {
        this.database = database;
        this.approvals = approvals;
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
                }
                if (lost) {
                    log().info("approval notices from {} resumed", database.describe());
                    lost = false;
                }
                approvals.waiters().recheck(approvals::current);
                PGConnection pg = listening.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notices = pg.getNotifications(1_000);
                    if (notices != null) {
                        for (PGNotification notice : notices) {
                            wake(notice.getParameter());
                        }
                    }
                }
            } catch (SQLException | IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!lost) {
                    log().warn(
                                    "approval notices from {} stopped ({}); callers held on this instance wake when"
                                            + " they are back or their wait ends",
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

    private void wake(String id) {
        var approval = approvals.current(id);
        if (approval != null) {
            approvals.waiters().wake(approval);
        }
    }

    @Override
    public void close() {
        closed = true;
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
