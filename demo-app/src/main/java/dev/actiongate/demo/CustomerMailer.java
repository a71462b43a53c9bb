package dev.actiongate.demo;

import dev.actiongate.GovernedAction;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Properties;

/**
 * Sends emails to customers over SMTP. Nothing in here knows about the policy: the agent
 * decides every {@link #send} call before its body runs.
 */
public final class CustomerMailer {

    /** Bounds every SMTP wait so that an unreachable {@code --smtp} server fails a row, not the run. */
    private static final String TIMEOUT_MILLIS = "5000";

    private final Session session;
    private final InternetAddress from;

    public CustomerMailer(Session session, InternetAddress from) {
        this.session = Objects.requireNonNull(session, "session");
        this.from = Objects.requireNonNull(from, "from");
    }

    /** A mailer that talks plain SMTP, without authentication, to {@code host:port}. */
    public static CustomerMailer forSmtp(String host, int port, String from) {
        Properties properties = new Properties();
        properties.put("mail.transport.protocol", "smtp");
        properties.put("mail.smtp.host", host);
        properties.put("mail.smtp.port", Integer.toString(port));
        properties.put("mail.smtp.connectiontimeout", TIMEOUT_MILLIS);
        properties.put("mail.smtp.timeout", TIMEOUT_MILLIS);
        properties.put("mail.smtp.writetimeout", TIMEOUT_MILLIS);
        try {
            return new CustomerMailer(Session.getInstance(properties), new InternetAddress(from, true));
        } catch (MessagingException e) {
            throw new IllegalArgumentException("not a valid sender address: " + from, e);
        }
    }

    /**
     * Sends one plain-text email.
     *
     * @param customerTenant the tenant the recipient is a customer of; the policy compares it with
     *                       the tenant of the acting context
     * @param dataClass      how sensitive {@code body} is
     * @return the Message-ID the message was sent with
     * @throws MailDeliveryException when the SMTP server cannot be reached or refuses the message
     */
    @GovernedAction("send_customer_email")
    public String send(String to, String customerTenant, String subject, String body, DataClass dataClass) {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(from);
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
            message.setSubject(subject, StandardCharsets.UTF_8.name());
            message.setText(body, StandardCharsets.UTF_8.name());
            // Lets the receiving side audit what the sender believed it was sending.
            message.setHeader("X-Customer-Tenant", customerTenant);
            message.setHeader("X-Data-Class", dataClass.name());
            Transport.send(message);
            // Read after sending: Transport.send assigns a fresh Message-ID on every save.
            return message.getMessageID();
        } catch (MessagingException e) {
            throw new MailDeliveryException("could not send '" + subject + "' to " + to + ": " + e.getMessage(), e);
        }
    }
}
