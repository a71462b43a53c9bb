package dev.actiongate.agent.instrumentation;

import dev.actiongate.bootstrap.GateBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into every governed method. Kept to one call each way: everything else happens behind
 * {@link GateBridge}, which every class loader can see.
 */
final class GateAdvice {

    private GateAdvice() {}

    /** Throws {@code ActionDeniedException} before the first statement of the body when the call is not allowed. */
    @Advice.OnMethodEnter
    static Object enter(@MethodId int methodId, @Advice.AllArguments Object[] arguments) {
        return GateBridge.enter(methodId, arguments);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.Enter Object token, @Advice.Thrown Throwable thrown) {
        GateBridge.exit(token, thrown);
    }
}
