package dev.actiongate.agent.testing;

/** Policy texts the tests of more than one package read, written once so that they cannot drift apart. */
public final class Policies {

    /**
     * Two limits: {@code tenant-email-rate} lets a tenant send 500 customer emails an hour, then
     * asks olivia; {@code refund-budget} lets a tenant refund up to 5,000,000 cents a day, then
     * denies. No rules, and everything else allowed.
     */
    public static final String LIMITS = """
            version: "limits-1"
            default: allow
            limits:
              - id: tenant-email-rate
                action: send_customer_email
                key: 'ctx.tenant'
                max: 500
                per: 1h
                verdict: require_approval
                approvers: [olivia]
              - id: refund-budget
                action: refund_payment
                key: 'ctx.tenant'
                sum: 'args.cents'
                max: 5000000
                per: 24h
                verdict: deny
            """;

    private Policies() {}
}
