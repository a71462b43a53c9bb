/**
 * Classes the agent appends to the bootstrap class path besides the public API: only the bridge
 * between advice inlined into application classes and the gate in the agent's class loader.
 * May call the public API ({@code dev.actiongate}) and the JDK, nothing else.
 */
package dev.actiongate.bootstrap;
