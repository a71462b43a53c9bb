package dev.actiongate.benchmarks;

import dev.actiongate.ActionDeniedException;
import java.io.IOException;

/**
 * The application of the two instances {@link WakeupTiming} starts. {@code review}: instance A,
 * which only serves its admin API (the reviewers' side) until its standard input closes.
 * {@code hold N}: instance B, which makes {@code N} held calls one after the other, each with a
 * subject of its own, and prints a line as soon as each returns; the parent stamps that line
 * when it reads it, with its own clock, so no clock of this process is compared with the
 * parent's.
 */
public final class WakeupProbe {

    static final String RETURNED = "actiongate-wakeup-returned";
    static final String DENIED = "actiongate-wakeup-denied";

    private WakeupProbe() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("review")) {
            while (System.in.read() != -1) {
                // the parent closes this stream when it is done reviewing
            }
            return;
        }
        if (args.length != 2 || !args[0].equals("hold")) {
            throw new IllegalArgumentException("usage: WakeupProbe review | WakeupProbe hold CALLS");
        }
        int calls = Integer.parseInt(args[1]);
        Actions actions = new Actions();
        for (int call = 0; call < calls; call++) {
            try {
                int result = actions.held("ops@example.com", "wake-up " + call);
                System.out.println(RETURNED + " " + call + " " + result);
            } catch (ActionDeniedException e) {
                System.out.println(DENIED + " " + call + " " + e.verdict() + ": " + e.getMessage());
                System.exit(1);
            }
            System.out.flush();
        }
    }
}
