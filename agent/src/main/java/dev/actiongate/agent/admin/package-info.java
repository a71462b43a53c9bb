/**
 * The admin HTTP API (JDK HttpServer, bearer-token authenticated, loopback by default): what a
 * running agent governs and has decided. Reads the gate and the configuration; later
 * capabilities (approvals, policy reload) add their resources here.
 */
package dev.actiongate.agent.admin;
