/**
 * The agent jar's command line ({@code verify}, {@code check}, {@code version}). Calls the
 * records and policy packages; never touches instrumentation.
 */
package dev.actiongate.agent.cli;
