package dev.actiongate.it.spring;

import org.springframework.ai.tool.annotation.Tool;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** An AI assistant's tools: no ActionGate annotation, governed by the policy's {@code govern:} entry. */
@Component
public class SupportTools {

    @Tool(name = "refund_order", description = "Refunds part of an order")
    @Transactional
    public String refund(String orderId, int cents) {
        System.out.println("BODY refund_order " + orderId + " " + cents);
        return "refunded " + cents + " on " + orderId;
    }

    @Tool(description = "Looks up an order by its id")
    public String lookupOrder(String orderId) {
        System.out.println("BODY lookupOrder " + orderId);
        return "order " + orderId + " shipped";
    }
}
