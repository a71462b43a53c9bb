/**
 * Agent configuration: resolves agent arguments, system properties, environment variables and
 * defaults into one immutable {@link dev.actiongate.agent.config.AgentConfig}. Pure: reads only
 * the maps it is given, calls nothing else of the agent.
 */
package dev.actiongate.agent.config;
