package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import java.lang.reflect.Method;

/**
 * An LLM agent's tools written for LangChain4j, with no ActionGate annotation, executed the way
 * LangChain4j executes a tool call the model asked for: {@code ToolApp TOOL=JSON_ARGUMENTS...};
 * an argument {@code gate=NAME} waits until the test sends {@code NAME}, so a test can look at the agent.
 */
public final class ToolApp {

    private ToolApp() {}

    /** The tools the model may call. */
    public static final class SupportTools {

        @Tool(name = "send_customer_email", value = "Sends an email to a customer")
        public String sendEmail(String to, String text) {
            Probe.body("tool send_customer_email " + to);
            return "sent to " + to;
        }

        @Tool("Looks up an order by its id")
        public String lookupOrder(String orderId) {
            Probe.body("tool lookupOrder " + orderId);
            return "order " + orderId + " shipped";
        }
    }

    // The scope is what the agent reads; nothing in the body names it.
    @SuppressWarnings("try")
    public static void main(String[] args) {
        SupportTools tools = new SupportTools();
        int n = 0;
        for (String call : args) {
            if (call.startsWith("gate=")) {
                Signals.awaitSignal(call.substring("gate=".length()));
                continue;
            }
            String name = call.substring(0, call.indexOf('='));
            String arguments = call.substring(call.indexOf('=') + 1);
            ToolExecutionRequest request = ToolExecutionRequest.builder()
                    .id("call-" + ++n)
                    .name(name)
                    .arguments(arguments)
                    .build();
            try (ActionContext.Scope scope =
                    ActionContext.builder().actor("support-llm").tenant("acme").open()) {
                Probe.attempt(name + " " + arguments, () -> {
                    String result = new DefaultToolExecutor(tools, toolMethod(name)).execute(request, "conversation-1");
                    System.out.println("RESULT " + Probe.oneLine(result));
                });
            }
        }
    }

    private static Method toolMethod(String name) {
        for (Method method : SupportTools.class.getDeclaredMethods()) {
            Tool tool = method.getAnnotation(Tool.class);
            if (tool != null && (name.equals(tool.name()) || name.equals(method.getName()))) {
                return method;
            }
        }
        throw new IllegalArgumentException("no tool " + name);
    }
}
