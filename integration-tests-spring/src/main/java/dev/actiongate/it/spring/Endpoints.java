package dev.actiongate.it.spring;

import dev.actiongate.ActionContext;
import dev.actiongate.ActionDeniedException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The service's HTTP API: orders, tool calls as a model would ask for them, and the facts the
 * test checks. A denial is answered 403 with what the agent said.
 */
@RestController
public class Endpoints {

    private final OrderService orders;
    private final SupportTools tools;
    private final ConfigurableApplicationContext context;

    public Endpoints(OrderService orders, SupportTools tools, ConfigurableApplicationContext context) {
        this.orders = orders;
        this.tools = tools;
        this.context = context;
    }

    @GetMapping("/facts")
    public Map<String, String> facts() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("orders.class", orders.getClass().getName());
        facts.put("orders.proxy", Boolean.toString(AopUtils.isCglibProxy(orders)));
        facts.put("tools.class", tools.getClass().getName());
        return facts;
    }

    @PostMapping("/orders")
    @SuppressWarnings("try")
    public String placeOrder(
            @RequestParam String customer, @RequestParam int quantity, @RequestHeader("X-Actor") String actor) {
        try (ActionContext.Scope scope = ActionContext.builder().actor(actor).open()) {
            return orders.place(customer, quantity);
        }
    }

    /** Runs a tool the way Spring AI runs one a model asked for: by name, with JSON arguments. */
    @PostMapping("/tools/{name}")
    @SuppressWarnings("try")
    public String callTool(
            @PathVariable String name, @RequestBody String arguments, @RequestHeader("X-Actor") String actor) {
        ToolCallback[] callbacks =
                MethodToolCallbackProvider.builder().toolObjects(tools).build().getToolCallbacks();
        for (ToolCallback callback : callbacks) {
            if (callback.getToolDefinition().name().equals(name)) {
                try (ActionContext.Scope scope =
                        ActionContext.builder().actor(actor).open()) {
                    return callback.call(arguments);
                } catch (RuntimeException e) {
                    throw denialIn(e);
                }
            }
        }
        throw new IllegalArgumentException("no tool " + name);
    }

    @PostMapping("/exit")
    public String exit() {
        Thread stopper = new Thread(() -> System.exit(SpringApplication.exit(context, () -> 0)), "exit");
        stopper.start();
        return "bye";
    }

    @ExceptionHandler(ActionDeniedException.class)
    public ResponseEntity<Map<String, Object>> denied(ActionDeniedException denied) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "not allowed");
        body.put("action", denied.action());
        body.put("verdict", denied.verdict());
        body.put("decision_id", denied.decisionId());
        body.put("reason", denied.reason());
        return ResponseEntity.status(HttpStatus.FORBIDDEN).body(body);
    }

    /** Spring AI wraps what a tool threw; a denial underneath is answered as a denial. */
    private static RuntimeException denialIn(RuntimeException thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof ActionDeniedException denied) {
                return denied;
            }
        }
        return thrown;
    }
}
