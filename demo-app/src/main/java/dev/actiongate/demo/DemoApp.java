package dev.actiongate.demo;

import dev.actiongate.ActionContext;
import dev.actiongate.ActionDeniedException;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Scenario}s against a real SMTP server and reports, as a table and an exit
 * code, whether ActionGate decided each one as {@code policy.yaml} says it should.
 */
public final class DemoApp {

    private static final Logger LOG = LoggerFactory.getLogger(DemoApp.class);

    /** Lives on the bootstrap class path only when the agent was started. */
    private static final String AGENT_BRIDGE = "java.lang.ActionGateBridge";

    private static final String SENDER = "support@acme.example";
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(2);
    /** Long enough to catch mail a refused call should never have sent, short enough not to drag. */
    private static final Duration STRAY_MAIL_WAIT = Duration.ofMillis(200);
    /** The agent starts its admin API, and writes a new token file, shortly after the JVM starts. */
    private static final Duration ADMIN_WAIT = Duration.ofSeconds(10);

    private static final String REQUIRE_APPROVAL = "require_approval";
    /** The approvers and the timeout of the shipped policy's require_approval rule, for the hint. */
    private static final String SYSTEM_OWNERS = "olivia or omar";

    private static final String APPROVAL_TIMEOUT = "2m";

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
        AgentCommand agent = AgentCommand.ofThisJvm();
        Reviewing reviewing;
        if (agentPresent()) {
            reviewing = prepareReview(agent);
        } else {
            out.println("WARNING: running WITHOUT the ActionGate agent: nothing is governed."
                    + " Start with -javaagent:actiongate-agent.jar=policy=demo-app/policy.yaml");
            reviewing = new Reviewing(Review.NONE, null);
        }
        DecisionRecords records = options.records() == null ? null : new DecisionRecords(options.records());
        List<Outcome> outcomes = new ArrayList<>();
        try (MailServer server = options.smtp() == null
                ? MailServer.embedded()
                : MailServer.external(options.smtp().host(), options.smtp().port())) {
            LOG.info("sending to {}", server.describe());
            CustomerMailer mailer = CustomerMailer.forSmtp(server.host(), server.port(), SENDER);
            for (Scenario scenario : Scenario.all(reviewing.review())) {
                outcomes.add(attempt(scenario, mailer, server, records, reviewing));
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
                out.println("DIVERGED row " + outcome.scenario().number() + " ("
                        + outcome.scenario().request() + "): " + divergence.get());
            }
        }
        out.println(
                diverged == 0
                        ? "OK: all " + outcomes.size()
                                + " requests were decided as the policy says and only the allowed ones were delivered"
                        : "FAILED: " + diverged + " of " + outcomes.size() + " requests diverged from the policy");
        return diverged == 0 ? 0 : 1;
    }

    // The scope is what the agent reads; nothing in the body needs to name it.
    @SuppressWarnings("try")
    private Outcome attempt(
            Scenario scenario, CustomerMailer mailer, MailServer server, DecisionRecords records, Reviewing reviewing)
            throws InterruptedException {
        String subject = scenario.subject(runId);
        String verdict = Outcome.ALLOW;
        List<String> rules = null;
        String reason = "-";
        boolean sent = false;
        AutoApprover approver = scenario.heldForApproval() ? announceHold(scenario, subject, reviewing) : null;
        // Repeated attempts are how an agent loop behaves; the table shows the last one.
        for (int attempt = 1; attempt <= scenario.attempts(); attempt++) {
            verdict = Outcome.ALLOW;
            try (ActionContext.Scope scope = scopeOf(scenario)) {
                String messageId = mailer.send(
                        scenario.to(), scenario.customerTenant(), subject, scenario.body(), scenario.dataClass());
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
        if (approver != null) {
            approver.stop();
        }

        if (records != null && Outcome.ALLOW.equals(verdict)) {
            // Only the record says which rules allowed a call, or that a monitor-mode policy
            // would have refused it.
            Optional<DecisionRecords.Decision> decision = latestDecision(records, subject);
            if (decision.isPresent()) {
                verdict = decision.get().verdict();
                rules = decision.get().matchedRules();
                reason = sent ? decision.get().reason() : reason;
                // A held call's decision says require_approval; its approval_resolved record says
                // how it ended and who decided.
                Optional<DecisionRecords.Resolution> resolution = REQUIRE_APPROVAL.equals(verdict)
                        ? resolution(records, decision.get().decisionId())
                        : Optional.empty();
                if (resolution.isPresent()) {
                    verdict = resolution.get().verdict();
                    reason = sent ? describe(resolution.get()) : reason;
                }
            }
        }
        Delivery delivery = server.delivery(subject, sent, sent ? DELIVERY_WAIT : STRAY_MAIL_WAIT);
        return new Outcome(scenario, verdict, rules, reason, delivery);
    }

    // fleet-demo.sh's instances act for agents of their own: escalation counts across the fleet.
    private static final String ACTOR_SUFFIX = System.getProperty("demo.actor_suffix", "");

    /** Who asks, for whom, in which tenant and environment, and why: what the policy decides on. */
    private static ActionContext.Scope scopeOf(Scenario scenario) {
        return ActionContext.builder()
                .actor(scenario.actor() + ACTOR_SUFFIX)
                .onBehalfOf(Scenario.ON_BEHALF_OF)
                .tenant(scenario.tenant())
                .reason(scenario.reason())
                .environment(scenario.environment())
                .open();
    }

    private static Optional<DecisionRecords.Decision> latestDecision(DecisionRecords records, String subject) {
        // The agent's journal reaches the records file a millisecond or so after the decision.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        try {
            Optional<DecisionRecords.Decision> found = records.latestFor(subject);
            while (found.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
                found = records.latestFor(subject);
            }
            return found;
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", records.file(), e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Optional<DecisionRecords.Resolution> resolution(DecisionRecords records, String decisionId) {
        if (decisionId == null) {
            return Optional.empty();
        }
        try {
            return records.resolutionOf(decisionId);
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", records.file(), e.toString());
            return Optional.empty();
        }
    }

    /** {@code approved by olivia after 3.0 s: "ok for ticket 4715"} */
    private static String describe(DecisionRecords.Resolution resolution) {
        String comment = resolution.comment();
        return resolution.reason() + " after " + AutoApprover.seconds(resolution.waitedMs()) + " s"
                + (comment == null || comment.isBlank() ? "" : ": \"" + comment + "\"");
    }

    /**
     * Finds the agent's admin API and prints how a reviewer reaches it, or why nobody can.
     * Without an admin API the agent refuses a held call at once, which row 5 then expects.
     */
    private Reviewing prepareReview(AgentCommand agent) throws InterruptedException {
        Optional<AdminApi.Settings> settings = AdminApi.Settings.resolve(
                options, agent == null ? null : agent.args(), System.getProperties(), System.getenv());
        if (settings.isEmpty()) {
            out.println("Note: the agent has no admin API, so no reviewer can answer: row 5 needs a system owner's"
                    + " approval and will be refused at once (no reviewer channel is configured)."
                    + (options.autoApproveAfter() == null ? "" : " --auto-approve-after has nothing to approve."));
            out.println("      To review it, add -Dactiongate.admin_port=8477"
                    + " -Dactiongate.admin_token_file=demo-app/target/admin-token to the java command"
                    + " (and --auto-approve-after 3s to let the demo approve it).");
            return new Reviewing(Review.NONE, null);
        }
        AdminApi admin;
        try {
            admin = AdminApi.open(settings.get(), ADMIN_WAIT);
        } catch (AdminApi.UnusableException e) {
            out.println("WARNING: the demo cannot use the agent's admin API: " + e.getMessage() + ".");
            if (!e.listening()) {
                out.println("         The agent's log says why it has no admin API; row 5 will be refused at once"
                        + " (no reviewer channel).");
                return new Reviewing(Review.NONE, null);
            }
            out.println("         Row 5 waits for a reviewer who has the admin token"
                    + (options.autoApproveAfter() == null ? "." : "; --auto-approve-after cannot approve it."));
            return new Reviewing(Review.BY_HAND, null);
        }
        String cli = "java -jar " + (agent == null ? "actiongate-agent.jar" : agent.jar()) + " approvals";
        String connection = " --url " + admin.url() + " --token-file "
                + (admin.tokenFile() == null ? "FILE_HOLDING_THE_ADMIN_TOKEN" : admin.tokenFile());
        out.println("Reviewer console: " + admin.consoleUrl());
        out.println("Reviewer CLI:     " + cli + " list" + connection);
        out.println("                  " + cli + " approve|reject ID --reviewer " + options.reviewer() + connection);
        return new Reviewing(options.autoApproveAfter() == null ? Review.BY_HAND : Review.AUTOMATIC, admin);
    }

    /**
     * Says what the held row is about to wait for and, with {@code --auto-approve-after}, starts
     * the demo's own reviewer.
     *
     * @return the running auto-approver, or {@code null}
     */
    private AutoApprover announceHold(Scenario scenario, String subject, Reviewing reviewing) {
        String row = "Row " + scenario.number() + " (" + scenario.request() + ")";
        switch (reviewing.review()) {
            case AUTOMATIC -> {
                out.println(row + " waits for a system owner's approval; the demo approves it as " + options.reviewer()
                        + " after " + DemoOptions.describe(options.autoApproveAfter()) + " (--auto-approve-after).");
                return AutoApprover.start(
                        reviewing.admin(), scenario, subject, options.autoApproveAfter(), options.reviewer(), out);
            }
            case BY_HAND ->
                out.println(row + " now waits for a system owner (" + SYSTEM_OWNERS + ") to approve or"
                        + " reject it in the reviewer console"
                        + (reviewing.admin() == null
                                ? ""
                                : " (" + reviewing.admin().url() + "/) or with the CLI above")
                        + ", for at most the rule's approval_timeout ("
                        + APPROVAL_TIMEOUT + " in demo-app/policy.yaml).");
            case NONE -> {
                // Refused at once; the note at start said why.
            }
        }
        return null;
    }

    /**
     * Who can decide the held row, and the admin API the demo approves through.
     *
     * @param admin the usable admin API, or {@code null}
     */
    private record Reviewing(Review review, AdminApi admin) {}

    /**
     * The {@code -javaagent:JAR=ARGS} of the ActionGate agent on this JVM's command line: its
     * arguments take precedence over every other setting, and its jar is what the CLI runs.
     */
    private record AgentCommand(String jar, String args) {

        private static final String OPTION = "-javaagent:";

        /** @return {@code null} when the agent was not given on the command line */
        static AgentCommand ofThisJvm() {
            for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (argument.startsWith(OPTION)) {
                    String spec = argument.substring(OPTION.length());
                    int eq = spec.indexOf('=');
                    String jar = eq < 0 ? spec : spec.substring(0, eq);
                    if (jar.substring(jar.lastIndexOf(File.separatorChar) + 1).contains("actiongate")) {
                        return new AgentCommand(jar, eq < 0 ? "" : spec.substring(eq + 1));
                    }
                }
            }
            return null;
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
