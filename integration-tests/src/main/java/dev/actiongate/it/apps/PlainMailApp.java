package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/**
 * Sends email with Jakarta Mail's {@code Transport.send} and no annotation anywhere, as a service
 * that was never written for ActionGate does: {@code PlainMailApp HOST PORT TENANT:TO...} sends one
 * email per argument for that tenant. Only a policy's {@code govern:} entry can govern it.
 */
public final class PlainMailApp {

    private PlainMailApp() {}

    // The scope is what the agent reads; nothing in the body names it.
    @SuppressWarnings("try")
    public static void main(String[] args) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", args[0]);
        properties.put("mail.smtp.port", args[1]);
        Session session = Session.getInstance(properties);
        for (int i = 2; i < args.length; i++) {
            String tenant = args[i].substring(0, args[i].indexOf(':'));
            String to = args[i].substring(args[i].indexOf(':') + 1);
            try (ActionContext.Scope scope =
                    ActionContext.builder().actor("billing-job").tenant(tenant).open()) {
                Probe.attempt(to, () -> {
                    MimeMessage message = new MimeMessage(session);
                    message.setFrom(new InternetAddress("billing@shop.example"));
                    message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
                    message.setSubject("Invoice for " + tenant);
                    message.setText("Your invoice is attached.");
                    Transport.send(message);
                });
            }
        }
    }
}
