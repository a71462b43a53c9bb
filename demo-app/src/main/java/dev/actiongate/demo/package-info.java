/**
 * A small customer-mail service governed by ActionGate, and a scenario that exercises it.
 *
 * <p>{@link dev.actiongate.demo.CustomerMailer#send} is the only governed method: the agent
 * decides each call before its body opens an SMTP connection, so a denied email never reaches
 * the server. {@link dev.actiongate.demo.DemoApp} sends one allowed and four refused emails to
 * an embedded GreenMail server, prints what was decided and delivered, and exits non-zero when
 * anything differs from what {@code policy.yaml} should decide, which makes it an end-to-end
 * check of the agent as well as a demonstration.
 */
package dev.actiongate.demo;
