/**
 * The SHA-256 digest in the forms the agent uses. Uses only the JDK; every agent package may use it.
 */
package dev.actiongate.agent.digest;
