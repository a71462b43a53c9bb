package dev.actiongate.agent.cli;

import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.fleet.ShippedRecords;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code verify --store URL [--store-user USER] [--store-password-file FILE]}: every instance's
 * chain of decision records in the fleet's database, with the lines missing from each.
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
        List<ShippedRecords.Chain> chains;
        try {
            chains = ShippedRecords.verify(new AgentConfig.Store(url, user, passwordFile, null), System.getenv());
        } catch (IOException | RuntimeException e) {
            err.println("verify: " + e.getMessage());
            return 2;
        }
        boolean intact = true;
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
