package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.actiongate.GovernedAction;
import org.slf4j.MDC;

/**
 * A service that never opens an {@code ActionContext} scope: like most services, it puts the
 * user and tenant of a request into the SLF4J MDC for its logs, and nothing else.
 */
public final class MdcApp {

    private MdcApp() {}

    public static final class Documents {
        @GovernedAction("export_document")
        public void export(String id) {
            Probe.body("export_document " + id);
        }
    }

    @SuppressWarnings("try")
    public static void main(String[] args) {
        Documents documents = new Documents();
        MDC.put("user_id", "alice");
        MDC.put("tenant_id", "acme");
        Probe.attempt("alice@acme", () -> documents.export("d-1"));
        MDC.put("tenant_id", "globex");
        Probe.attempt("alice@globex", () -> documents.export("d-2"));
        try (ActionContext.Scope scope = ActionContext.builder().tenant("acme").open()) {
            Probe.attempt("scope beats mdc", () -> documents.export("d-3"));
        }
        MDC.clear();
        Probe.attempt("nobody", () -> documents.export("d-4"));
    }
}
