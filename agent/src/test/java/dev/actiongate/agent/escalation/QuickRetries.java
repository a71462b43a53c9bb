package dev.actiongate.agent.escalation;

import java.net.URI;
import java.time.Duration;

/**
 * Incident webhooks that retry within milliseconds: a test that waits out every retry would
 * otherwise wait the production pauses (over five seconds) for the same attempts.
 */
public final class QuickRetries {

    static final Duration[] PAUSES = {Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(80)};

    private QuickRetries() {}

    /** A webhook to {@code uri} with the production number of retries, after short pauses. */
    public static IncidentWebhook webhook(URI uri) {
        return new IncidentWebhook(uri, PAUSES);
    }
}
