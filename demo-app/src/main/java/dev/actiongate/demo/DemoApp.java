package dev.actiongate.demo;

import dev.actiongate.ActionContext;
import dev.actiongate.ActionDeniedException;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Scenario}s against a real SMTP server and reports, as a table and an exit
 * code, whether ActionGate decided each one as {@code policy.yaml} says it should.
 */
public final class DemoApp {

    private static final Logger LOG = LoggerFactory.getLogger(DemoApp.class);

    /** Lives on the bootstrap class path only when the agent was started. */
    private static final String AGENT_BRIDGE = "dev.actiongate.bootstrap.GateBridge";
    private static final String SENDER = "support@acme.example";
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(2);
    /** Long enough to catch mail a refused call should never have sent, short enough not to drag. */
    private static final Duration STRAY_MAIL_WAIT = Duration.ofMillis(200);

    private final DemoOptions options;
    private final PrintStream out;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);

    private final long timeToMainMillis;

    DemoApp(DemoOptions options, PrintStream out, long timeToMainMillis) {
        this.options = options;
        this.out = out;
        this.timeToMainMillis = timeToMainMillis;
    }

    public static void main(String[] args) {
        // Read the clock first: the start-up cost an agent adds is what the README reports.
        long mainEntered = System.currentTimeMillis();
        long timeToMain = mainEntered - ManagementFactory.getRuntimeMXBean().getStartTime();
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("actiongate-demo: " + e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        int exitCode;
        try {
            exitCode = new DemoApp(options, System.out, timeToMain).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exitCode = 1;
        }
        // GreenMail and Angus may leave non-daemon threads behind; the verdict is the exit code.
        System.exit(exitCode);
    }

    /** @return 0 when every scenario came out as expected, 1 otherwise */
    int run() throws InterruptedException {
        if (!agentPresent()) {
            out.println("WARNING: running WITHOUT the ActionGate agent: nothing is governed."
                    + " Start with -javaagent:actiongate-agent.jar=policy=demo-app/policy.yaml");
        }
        DecisionRecords records = options.records() == null ? null : new DecisionRecords(options.records());
        List<Outcome> outcomes = new ArrayList<>();
        try (MailServer server = options.smtp() == null
                ? MailServer.embedded()
                : MailServer.external(options.smtp().host(), options.smtp().port())) {
            LOG.info("sending to {}", server.describe());
            CustomerMailer mailer = CustomerMailer.forSmtp(server.host(), server.port(), SENDER);
            for (Scenario scenario : Scenario.all()) {
                outcomes.add(attempt(scenario, mailer, server, records));
            }
            out.println();
            out.println("ActionGate demo, run " + runId + ", " + server.describe()
                    + (records == null ? "" : ", records " + records.file())
                    + ", JVM start to main " + timeToMainMillis + " ms");
        }
        out.print(ResultTable.render(outcomes));
        if (records != null && !records.exists()) {
            out.println("WARNING: " + records.file() + " does not exist: is the agent writing its records elsewhere?");
        }

        int diverged = 0;
        for (Outcome outcome : outcomes) {
            Optional<String> divergence = outcome.divergence();
            if (divergence.isPresent()) {
                diverged++;
                out.println("DIVERGED row " + outcome.scenario().number() + " (" + outcome.scenario().request()
                        + "): " + divergence.get());
            }
        }
        out.println(diverged == 0
                ? "OK: all " + outcomes.size() + " requests were decided as the policy says and only the allowed one was delivered"
                : "FAILED: " + diverged + " of " + outcomes.size() + " requests diverged from the policy");
        return diverged == 0 ? 0 : 1;
    }

    // The scope is what the agent reads; nothing in the body needs to name it.
    @SuppressWarnings("try")
    private Outcome attempt(Scenario scenario, CustomerMailer mailer, MailServer server, DecisionRecords records)
            throws InterruptedException {
        String subject = scenario.subject(runId);
        String verdict = Outcome.ALLOW;
        List<String> rules = null;
        String reason = "-";
        boolean sent = false;
        // Repeated attempts are how an agent loop behaves; the table shows the last one.
        for (int attempt = 1; attempt <= scenario.attempts(); attempt++) {
            verdict = Outcome.ALLOW;
            try (ActionContext.Scope scope = ActionContext.builder()
                    .actor(scenario.actor())
                    .onBehalfOf(Scenario.ON_BEHALF_OF)
                    .tenant(scenario.tenant())
                    .reason(scenario.reason())
                    .environment(scenario.environment())
                    .open()) {
                String messageId = mailer.send(scenario.to(), scenario.customerTenant(), subject, scenario.body(),
                        scenario.dataClass());
                sent = true;
                LOG.info("row {}: sent {} to {}", scenario.number(), messageId, scenario.to());
            } catch (ActionDeniedException e) {
                verdict = e.verdict();
                rules = e.matchedRules();
                reason = e.reason();
                LOG.info("row {}: {}", scenario.number(), e.getMessage());
            } catch (MailDeliveryException e) {
                // The gate let the call through; the mail server is what failed.
                reason = e.getMessage();
                LOG.warn("row {}: {}", scenario.number(), e.getMessage());
            }
        }

        if (records != null && Outcome.ALLOW.equals(verdict)) {
            // Only the record says which rules allowed a call, or that a monitor-mode policy
            // would have refused it.
            Optional<DecisionRecords.Decision> decision = latestDecision(records, subject);
            if (decision.isPresent()) {
                verdict = decision.get().verdict();
                rules = decision.get().matchedRules();
                reason = sent ? decision.get().reason() : reason;
            }
        }
        Delivery delivery = server.delivery(subject, sent, sent ? DELIVERY_WAIT : STRAY_MAIL_WAIT);
        return new Outcome(scenario, verdict, rules, reason, delivery);
    }

    private static Optional<DecisionRecords.Decision> latestDecision(DecisionRecords records, String subject) {
        try {
            return records.latestFor(subject);
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", records.file(), e.toString());
            return Optional.empty();
        }
    }

    private static boolean agentPresent() {
        try {
            Class.forName(AGENT_BRIDGE, false, DemoApp.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
