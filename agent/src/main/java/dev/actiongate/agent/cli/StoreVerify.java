package dev.actiongate.agent.cli;

import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.fleet.ShippedRecords;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code verify --store URL [--store-user USER] [--store-password-file FILE]}: every instance's
 * chain of decision records in the fleet's database, with the lines missing from each, and every
 * call that ran on an approval no review in the table approved.
 * Credentials as the agent takes them: the options, else {@code PGUSER} and {@code PGPASSWORD}.
 */
final class StoreVerify {

    private StoreVerify() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        String url = null;
        String user = null;
        Path passwordFile = null;
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) {
                err.println("verify: " + args[i] + " needs a value");
                return 2;
            }
            switch (args[i]) {
                case "--store" -> url = args[++i];
                case "--store-user" -> user = args[++i];
                case "--store-password-file" -> passwordFile = Path.of(args[++i]);
                default -> {
                    err.println("verify: with --store, only --store-user and --store-password-file may follow; not "
                            + args[i]);
                    return 2;
                }
            }
        }
        ShippedRecords.Report report;
        try {
            report = ShippedRecords.verify(new AgentConfig.Store(url, user, passwordFile, null), System.getenv());
        } catch (IOException | RuntimeException e) {
            err.println("verify: " + e.getMessage());
            return 2;
        }
        List<ShippedRecords.Chain> chains = report.chains();
        boolean intact = report.unreviewed().isEmpty();
        for (ShippedRecords.Unreviewed call : report.unreviewed()) {
            out.println("UNREVIEWED " + call.service() + " " + call.instance() + " (chain " + call.chain() + "): line "
                    + call.seq() + " ran on approval " + call.approvalId()
                    + ", which no approval_reviewed record in the table approves (an approval row written"
                    + " by someone other than a reviewer, or the reviewing instance's records not shipped yet)");
        }
        for (ShippedRecords.Chain chain : chains) {
            String who = chain.service() + " " + chain.instance() + " (chain " + chain.chain() + ")";
            if (!chain.gaps().isEmpty()) {
                intact = false;
                out.println("GAP    " + who + ": lines " + String.join(", ", chain.gaps()) + " missing of "
                        + (chain.lines() + chain.gaps().size()) + "+");
            } else if (!chain.result().intact()) {
                intact = false;
                out.println("BROKEN " + who + ": line " + chain.result().badLine() + ": "
                        + chain.result().problem());
            } else {
                out.println("OK     " + who + ": " + chain.lines() + " records");
            }
        }
        if (chains.isEmpty()) {
            out.println("no decision records in the store");
        }
        return intact ? 0 : 1;
    }
}
