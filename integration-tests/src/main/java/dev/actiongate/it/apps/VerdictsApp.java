package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.actiongate.GovernedAction;
import java.util.List;
import java.util.Optional;

/**
 * One call per verdict and per kind of argument: strings, numbers, a record holding a POJO, a
 * list, an {@code Optional}, an enum, sensitive and very long values. Run once with an
 * enforcing policy and once with a monitoring one.
 */
public final class VerdictsApp {

    private VerdictsApp() {}

    public enum Priority {
        NORMAL,
        URGENT
    }

    public record Order(String id, double amount, String cardNumber, Customer customer) {}

    /** A plain bean, read by the agent through its getters. */
    public static final class Customer {
        private final String name;
        private final String country;

        public Customer(String name, String country) {
            this.name = name;
            this.country = country;
        }

        public String getName() {
            return name;
        }

        public String getCountry() {
            return country;
        }
    }

    public static class Mailer {
        @GovernedAction("send_email")
        public void send(String to, String subject) {
            Probe.body("send_email " + to);
            if (to.startsWith("bounce@")) {
                throw new IllegalStateException("mailbox full: " + to);
            }
        }
    }

    public static class Payments {
        @GovernedAction("refund")
        public void refund(String customer, long amountCents) {
            Probe.body("refund " + customer);
        }
    }

    public static class Orders {
        @GovernedAction("place_order")
        public String place(Order order, List<String> tags, Optional<String> coupon, Priority priority) {
            Probe.body("place_order " + order.id());
            return order.id();
        }
    }

    public static class Accounts {
        @GovernedAction("create_account")
        public void create(String user, String password, String internalNote, String bio) {
            Probe.body("create_account " + user);
        }
    }

    @SuppressWarnings("try")
    public static void main(String[] args) {
        Probe.fact("pid", ProcessHandle.current().pid());
        Mailer mailer = new Mailer();
        Payments payments = new Payments();
        Orders orders = new Orders();
        Accounts accounts = new Accounts();
        Customer germany = new Customer("Grete", "DE");
        Customer embargoed = new Customer("Xavier", "XX");
        try (ActionContext.Scope scope = ActionContext.builder()
                .actor("support-bot-7")
                .onBehalfOf("user-42")
                .tenant("acme")
                .reason("ticket 4711")
                .environment("it")
                .attribute("channel", "chat")
                .open()) {
            Probe.attempt("allow", () -> mailer.send("ann@example.com", "hello"));
            Probe.attempt("deny", () -> mailer.send("bob@blocked.example", "hello"));
            Probe.attempt("default", () -> mailer.send("carl@other.org", "hello"));
            Probe.attempt("body-throws", () -> mailer.send("bounce@example.com", "hello"));
            Probe.attempt("approval", () -> payments.refund("dora", 50_000));
            placeOrders(orders, germany, embargoed);
            Probe.attempt(
                    "account", () -> accounts.create("erin", "s3cret-pass", "escalated twice", "x".repeat(10_000)));
            Probe.attempt("weak-password", () -> accounts.create("finn", "hunter2", "n/a", "short"));
        }
    }

    /** Orders whose amount, tags, country, priority and coupon each decide a rule on their own. */
    private static void placeOrders(Orders orders, Customer germany, Customer embargoed) {
        Probe.attempt(
                "order-small",
                () -> orders.place(
                        new Order("o-1", 50, "4111111111111111", germany),
                        List.of(),
                        Optional.empty(),
                        Priority.NORMAL));
        Probe.attempt(
                "order-vip",
                () -> orders.place(
                        new Order("o-2", 500, "4111111111111111", germany),
                        List.of("new", "vip"),
                        Optional.empty(),
                        Priority.NORMAL));
        Probe.attempt(
                "order-big",
                () -> orders.place(
                        new Order("o-3", 500, "4111111111111111", germany),
                        List.of("new"),
                        Optional.empty(),
                        Priority.NORMAL));
        Probe.attempt(
                "order-embargo",
                () -> orders.place(
                        new Order("o-4", 50, "4111111111111111", embargoed),
                        List.of(),
                        Optional.empty(),
                        Priority.NORMAL));
        Probe.attempt(
                "order-urgent",
                () -> orders.place(
                        new Order("o-5", 50, "4111111111111111", germany),
                        List.of(),
                        Optional.empty(),
                        Priority.URGENT));
        Probe.attempt(
                "order-coupon",
                () -> orders.place(
                        new Order("o-6", 50, "4111111111111111", germany),
                        List.of(),
                        Optional.of("FREE"),
                        Priority.NORMAL));
    }
}
