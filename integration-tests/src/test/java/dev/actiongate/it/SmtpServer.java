package dev.actiongate.it;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real SMTP server (GreenMail) on a free loopback port, fresh for every test:
 * {@code @RegisterExtension final SmtpServer smtp = new SmtpServer();}, then
 * {@code smtp.getSmtp().getPort()} for the application and {@code smtp.getReceivedMessages()} to
 * see what arrived.
 */
public final class SmtpServer extends GreenMail implements BeforeEachCallback, AfterEachCallback {

    public SmtpServer() {
        super(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }
}
