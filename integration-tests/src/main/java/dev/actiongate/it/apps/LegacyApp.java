package dev.actiongate.it.apps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actiongate.GovernedAction;
import net.bytebuddy.ByteBuddy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application that ships old versions of the libraries the agent uses too (Jackson 2.12,
 * SLF4J 1.7, Logback 1.2, Byte Buddy 1.12) and uses them: it serializes with its Jackson, logs
 * with its SLF4J, configured by its own {@code logback.xml}, and generates a class with its
 * Byte Buddy.
 */
public final class LegacyApp {

    private static final Logger LOG = LoggerFactory.getLogger("legacy-app");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LegacyApp() {}

    /** A bean the application's Jackson serializes and the agent's converts for the policy. */
    public static final class Invoice {
        private String number;
        private long total;
        private String currency;

        public Invoice() {}

        public Invoice(String number, long total, String currency) {
            this.number = number;
            this.total = total;
            this.currency = currency;
        }

        public String getNumber() {
            return number;
        }

        public void setNumber(String number) {
            this.number = number;
        }

        public long getTotal() {
            return total;
        }

        public void setTotal(long total) {
            this.total = total;
        }

        public String getCurrency() {
            return currency;
        }

        public void setCurrency(String currency) {
            this.currency = currency;
        }
    }

    public static class Billing {
        @GovernedAction("issue_invoice")
        public String issue(Invoice invoice) throws JsonProcessingException {
            Probe.body("issue_invoice " + invoice.getNumber());
            String json = MAPPER.writeValueAsString(invoice);
            LOG.info("issued {}", json);
            return json;
        }
    }

    public static void main(String[] args) throws Exception {
        Probe.fact("jackson.version", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION);
        Probe.fact("jackson.jar", Probe.origin(ObjectMapper.class));
        Probe.fact("slf4j.jar", Probe.origin(LoggerFactory.class));
        Probe.fact("slf4j.factory", LoggerFactory.getILoggerFactory().getClass().getName());
        Probe.fact(
                "slf4j.factory.jar",
                Probe.origin(LoggerFactory.getILoggerFactory().getClass()));
        Invoice sample = MAPPER.readValue("{\"number\":\"INV-0\",\"total\":1,\"currency\":\"EUR\"}", Invoice.class);
        Probe.fact("roundtrip", MAPPER.writeValueAsString(sample));
        // An application that generates classes with its own, older Byte Buddy, as mocking and
        // ORM libraries do, next to the agent's relocated one.
        Class<?> generated = new ByteBuddy()
                .subclass(Object.class)
                .name("dev.actiongate.it.apps.LegacyGenerated")
                .make()
                .load(LegacyApp.class.getClassLoader())
                .getLoaded();
        Probe.fact("bytebuddy.jar", Probe.origin(ByteBuddy.class));
        Probe.fact("bytebuddy.generated", generated.getName());
        LOG.info("legacy app started");

        Billing billing = new Billing();
        Probe.attempt("small", () -> billing.issue(new Invoice("INV-1", 120, "EUR")));
        Probe.attempt("large", () -> billing.issue(new Invoice("INV-2", 50_000, "EUR")));
        LOG.info("legacy app done");
    }
}
