/**
 * The agent jar's command line: offline tools ({@code verify}, {@code check}, {@code version}),
 * clients of a running agent's admin API ({@code status}, {@code reload}, {@code approvals},
 * {@code governance}), and {@code attach}/{@code detach} through the JDK's Attach API. Never
 * touches instrumentation in its own JVM.
 */
package dev.actiongate.agent.cli;
