package dev.actiongate.agent.gate;

import dev.actiongate.agent.policy.Decision;
import dev.actiongate.agent.policy.Limit;
import dev.actiongate.agent.policy.LimitReached;
import dev.actiongate.agent.policy.Verdict;
import dev.actiongate.agent.quota.LocalQuotas;
import dev.actiongate.agent.quota.QuotaCounter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The policy's limits on a call that the rules let through or hold for approval: takes the call's
 * amount from each limit on its action, in file order, and gives the call the verdict of the
 * first limit that has no room for it (giving back what the limits before it took). A limit
 * that cannot be counted (its key or sum fails, the fleet's store is unreachable) denies, saying
 * why. Actions without limits cost one lookup.
 */
final class QuotaCheck {

    private final QuotaCounter local;

    QuotaCheck(QuotaCounter local) {
        this.local = local;
    }

    /** One take, to give back when a later limit refuses the call. */
    private record Took(Limit limit, String key, long amount, QuotaCounter.Taken taken) {}

    /** {@code decision} after the limits on {@code action} had their say. */
    Decision check(GateState state, String action, Map<String, Object> variables, Decision decision) {
        if (state.policy() == null
                || (decision.verdict() != Verdict.ALLOW && decision.verdict() != Verdict.REQUIRE_APPROVAL)) {
            return decision;
        }
        List<Limit> limits = state.policy().limitsFor(action);
        if (limits.isEmpty()) {
            return decision;
        }
        QuotaCounter counter = state.quotas() == null ? local : state.quotas();
        List<Took> took = new ArrayList<>(limits.size());
        for (Limit limit : limits) {
            Limit.Measure measure = limit.measure(variables);
            Decision refused = null;
            if (measure.problem() != null) {
                refused = decision.withVerdict(Verdict.DENY, measure.problem());
            } else {
                try {
                    QuotaCounter.Taken taken =
                            counter.take(limit.id(), measure.key(), measure.amount(), limit.max(), limit.per());
                    if (taken.allowed()) {
                        took.add(new Took(limit, measure.key(), measure.amount(), taken));
                        continue;
                    }
                    refused = limit.refuse(decision, reached(limit, measure, taken));
                } catch (UncheckedIOException e) {
                    refused = decision.withVerdict(
                            Verdict.DENY,
                            "limit '" + limit.id() + "' cannot be counted: "
                                    + e.getCause().getMessage());
                }
            }
            for (Took earlier : took) {
                counter.giveBack(
                        earlier.limit().id(),
                        earlier.key(),
                        earlier.amount(),
                        earlier.limit().per(),
                        earlier.taken());
            }
            return refused;
        }
        return decision;
    }

    private static LimitReached reached(Limit limit, Limit.Measure measure, QuotaCounter.Taken taken) {
        Instant start = taken.windowStart();
        return new LimitReached(
                limit.id(),
                measure.key(),
                taken.current(),
                measure.amount(),
                limit.max(),
                limit.perText(),
                start == null ? null : start.toString());
    }

    /** The gate's own budgets, for a state without a shared store. */
    static QuotaCheck inMemory() {
        return new QuotaCheck(new LocalQuotas());
    }
}
