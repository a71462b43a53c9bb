package dev.actiongate.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.testing.Policies;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} lists a policy's limits, and fails on a limit that is wrong, naming it. */
class CheckLimitsTest {

    @TempDir
    Path dir;

    private int check(String yaml, ByteArrayOutputStream out, ByteArrayOutputStream err) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), yaml);
        return Cli.run(
                new String[] {"check", policy.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void checkListsEachLimitWithItsLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, check(Policies.LIMITS, out, err), err.toString(StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        Path policy = dir.resolve("policy.yaml");
        assertEquals(
                List.of(
                        policy + ": OK, policy limits-1, 0 rules, default allow, enforce mode",
                        policy + ":4: limit 'tenant-email-rate' on 'send_customer_email': 500 calls per 1h for each"
                                + " ctx.tenant, then require_approval",
                        policy + ":11: limit 'refund-budget' on 'refund_payment': a sum of args.cents up to 5000000"
                                + " per 24h for each ctx.tenant, then deny"),
                lines);
    }

    @Test
    void checkFailsOnALimitThatIsWrongNamingItsLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = check(Policies.LIMITS.replace("max: 500", "max: -500"), out, err);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertTrue(exit != 0, stderr);
        assertTrue(
                stderr.contains(
                        "policy.yaml:7:10: limit 'tenant-email-rate': 'max' must be a whole number of at least 0"),
                stderr);
    }
}
