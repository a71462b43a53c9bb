package dev.actiongate.it.spring;

import dev.actiongate.GovernedAction;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A governed method on a bean Spring proxies with CGLIB for its transactions. */
@Service
public class OrderService {

    @GovernedAction("place_order")
    @Transactional
    public String place(String customer, int quantity) {
        System.out.println("BODY place_order " + customer + " " + quantity);
        return "placed " + quantity + " for " + customer;
    }
}
