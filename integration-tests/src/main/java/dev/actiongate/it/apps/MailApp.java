package dev.actiongate.it.apps;

import dev.actiongate.GovernedAction;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Sends real emails over SMTP with Jakarta Mail: {@code MailApp HOST PORT TO...} sends one
 * email to each {@code TO}, each through the governed {@link CustomerMailer#send}.
 */
public final class MailApp {

    private MailApp() {}

    public static final class CustomerMailer {
        private final Session session;

        public CustomerMailer(String host, int port) {
            Properties properties = new Properties();
            properties.put("mail.transport.protocol", "smtp");
            properties.put("mail.smtp.host", host);
            properties.put("mail.smtp.port", Integer.toString(port));
            properties.put("mail.smtp.connectiontimeout", "10000");
            properties.put("mail.smtp.timeout", "10000");
            properties.put("mail.smtp.writetimeout", "10000");
            this.session = Session.getInstance(properties);
        }

        @GovernedAction("send_customer_email")
        public String send(String to, String subject, String body) throws MessagingException {
            Probe.body("send_customer_email " + to);
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress("support@shop.example"));
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
            message.setSubject(subject, StandardCharsets.UTF_8.name());
            message.setText(body, StandardCharsets.UTF_8.name());
            Transport.send(message);
            return message.getMessageID();
        }
    }

    public static void main(String[] args) {
        CustomerMailer mailer = new CustomerMailer(args[0], Integer.parseInt(args[1]));
        for (int i = 2; i < args.length; i++) {
            String to = args[i];
            Probe.attempt(to, () -> mailer.send(to, "Your order for " + to, "Dear customer, your order has shipped."));
        }
    }
}
