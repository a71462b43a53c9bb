package dev.actiongate.agent.gate;

/** A governed call whose body is running: what the gate needs to record its outcome. */
record Invocation(String decisionId, GovernedMethod method, long startNanos) {
}
