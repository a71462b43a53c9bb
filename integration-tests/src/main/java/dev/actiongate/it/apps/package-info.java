/**
 * Small applications the end-to-end tests run in forked JVMs with the agent attached. Each
 * prints what it saw through {@link dev.actiongate.it.apps.Probe}, one line per event, so that a
 * test can check exactly which governed bodies ran and how each denial looked from the inside.
 */
package dev.actiongate.it.apps;
