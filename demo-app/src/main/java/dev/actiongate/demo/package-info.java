/**
 * A small customer-mail service governed by ActionGate, and a scenario that exercises it.
 *
 * <p>{@link dev.actiongate.demo.CustomerMailer#send} is the only governed method: the agent
 * decides each call before its body opens an SMTP connection, so a denied email never reaches
 * the server. {@link dev.actiongate.demo.DemoApp} sends an allowed email, refused ones, and one
 * that the policy holds until a system owner approves it through the agent's admin API (or that
 * is refused at once when no admin API is configured), to an embedded GreenMail server. It prints
 * what was decided and delivered, and exits non-zero when anything differs from what
 * {@code policy.yaml} should decide, which makes it an end-to-end check of the agent as well as a
 * demonstration. With {@code --auto-approve-after} the demo plays the reviewer itself
 * ({@link dev.actiongate.demo.AutoApprover}).
 */
package dev.actiongate.demo;
