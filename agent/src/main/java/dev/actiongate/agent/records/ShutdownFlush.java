package dev.actiongate.agent.records;

/** A shutdown hook that writes a log's queued records out, removed again when the log closes first. */
final class ShutdownFlush {

    private final Runnable flush;
    private Thread hook;

    ShutdownFlush(Runnable flush) {
        this.flush = flush;
    }

    synchronized void install() {
        if (hook == null) {
            hook = new Thread(flush, "actiongate-flush");
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /** Removes the hook, unless it is the one running: then it flushes what closing would have. */
    synchronized void remove() {
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it flushes what close would have
            }
            hook = null;
        }
    }
}
