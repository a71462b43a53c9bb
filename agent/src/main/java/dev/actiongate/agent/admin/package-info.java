/**
 * The admin HTTP API (JDK HttpServer, bearer-token authenticated, loopback by default): status,
 * policy reload, the kill switch, detach, the approvals API, a fleet's decisions (through the
 * records package's {@code DecisionHistory}, which the gate's state carries) and the reviewers' web
 * console. Reads and drives the gate; holds no state of its own.
 */
package dev.actiongate.agent.admin;
