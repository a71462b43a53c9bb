package dev.actiongate.agent.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Races tasks against each other: a thread each, all held at one latch and let go together, so
 * that they meet in the code under test rather than run one after another as they are started.
 */
public final class AtOnce {

    private AtOnce() {}

    /** Runs each task on a thread of its own, all let go at once, and returns when every one has ended. */
    public static void run(List<? extends Runnable> tasks) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                task.run();
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
