package dev.actiongate.demo;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;

/**
 * The SMTP server the demo sends to: an embedded GreenMail, whose mailboxes show what really
 * arrived, or an external server, about which only "handed over or not" can be known.
 */
final class MailServer implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration POLL = Duration.ofMillis(20);

    private final String host;
    private final int port;
    /** {@code null} for an external server. */
    private final GreenMail greenMail;

    private MailServer(String host, int port, GreenMail greenMail) {
        this.host = host;
        this.port = port;
        this.greenMail = greenMail;
    }

    /** Starts GreenMail SMTP on a free loopback port, reachable from this host only. */
    static MailServer embedded() {
        GreenMail greenMail = new GreenMail(new ServerSetup(0, LOOPBACK, ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return new MailServer(LOOPBACK, greenMail.getSmtp().getPort(), greenMail);
    }

    static MailServer external(String host, int port) {
        return new MailServer(host, port, null);
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String describe() {
        return (greenMail == null ? "external SMTP server " : "embedded GreenMail SMTP server ") + host + ":" + port;
    }

    /**
     * Whether the email with {@code subject} reached the server. Looks for up to {@code wait}:
     * SMTP hands a message over before {@code Transport.send} returns, so waiting only covers a
     * slow server.
     *
     * @param sent whether the governed call returned normally; all an external server lets us know
     */
    Delivery delivery(String subject, boolean sent, Duration wait) throws InterruptedException {
        if (greenMail == null) {
            return sent ? Delivery.SENT : Delivery.NOT_SENT;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        do {
            if (received(subject)) {
                return Delivery.YES;
            }
            Thread.sleep(POLL.toMillis());
        } while (System.nanoTime() < deadline);
        return received(subject) ? Delivery.YES : Delivery.NO;
    }

    private boolean received(String subject) {
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            try {
                if (subject.equals(message.getSubject())) {
                    return true;
                }
            } catch (MessagingException unreadable) {
                // a message we cannot read is not the one we are looking for
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (greenMail != null) {
            greenMail.stop();
        }
    }
}
