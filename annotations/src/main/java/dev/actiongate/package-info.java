/**
 * The whole API an application touches: {@link dev.actiongate.GovernedAction} marks governed
 * methods, {@link dev.actiongate.ActionContext} says who acts on the current thread,
 * {@link dev.actiongate.ActionDeniedException} is what a governed method throws when the policy
 * says no, and {@link dev.actiongate.ActionGate} tells whether the agent runs at all. JDK only;
 * the agent puts these classes on the bootstrap class path so the application and the agent
 * share one identity for them whether or not the application ships this jar.
 */
package dev.actiongate;
