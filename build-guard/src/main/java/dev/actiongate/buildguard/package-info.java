/**
 * The ActionGate build guard: a Byte Buddy {@link net.bytebuddy.build.Plugin} and the command that
 * applies it to a folder of compiled classes, so that every method annotated
 * {@code @GovernedAction} (or implementing or overriding one so annotated) starts with
 * {@code ActionGate.denyWithoutAgent(action)}. With the agent that statement does nothing and the
 * agent decides the call, once; without it, every call is denied.
 */
package dev.actiongate.buildguard;
