/**
 * Instrumentation: Byte Buddy matchers that find governed methods and the advice inlined into
 * them. Nothing else: the advice calls the bootstrap bridge, and the only gate API used here is
 * the method registry.
 */
package dev.actiongate.agent.instrumentation;
