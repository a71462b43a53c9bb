package dev.actiongate.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeTest {

    private static final List<String> RULES = List.of("support-may-email-customers", Scenario.APPROVAL_RULE);

    private static Scenario heldRow(Review review) {
        return Scenario.all(review).stream()
                .filter(Scenario::heldForApproval)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void autoApprovedRowMustBeAllowedAndDelivered() {
        Scenario row = heldRow(Review.AUTOMATIC);
        assertEquals(5, row.number());
        assertTrue(new Outcome(row, "allow", RULES, "approved by olivia", Delivery.YES)
                .divergence()
                .isEmpty());
        assertEquals(
                "expected allow, got approval_timeout (no reviewer)",
                new Outcome(row, "approval_timeout", RULES, "no reviewer", Delivery.NO)
                        .divergence()
                        .orElseThrow());
        assertTrue(
                new Outcome(row, "allow", RULES, "-", Delivery.NO).divergence().isPresent());
    }

    @Test
    void aReviewerByHandMayApproveRejectOrLetItTimeOut() {
        Scenario row = heldRow(Review.BY_HAND);
        assertTrue(
                new Outcome(row, "allow", RULES, "-", Delivery.YES).divergence().isEmpty());
        assertTrue(new Outcome(row, "approval_rejected", RULES, "-", Delivery.NO)
                .divergence()
                .isEmpty());
        assertTrue(new Outcome(row, "approval_timeout", RULES, "-", Delivery.NO)
                .divergence()
                .isEmpty());
        assertTrue(new Outcome(row, "approval_rejected", RULES, "-", Delivery.YES)
                .divergence()
                .isPresent());
    }

    @Test
    void withoutAReviewerChannelTheRowIsRefused() {
        Scenario row = heldRow(Review.NONE);
        assertTrue(new Outcome(row, "require_approval", RULES, "-", Delivery.NO)
                .divergence()
                .isEmpty());
        assertTrue(
                new Outcome(row, "deny", RULES, "-", Delivery.NO).divergence().isEmpty());
        assertTrue(
                new Outcome(row, "allow", RULES, "-", Delivery.YES).divergence().isPresent());
    }
}
