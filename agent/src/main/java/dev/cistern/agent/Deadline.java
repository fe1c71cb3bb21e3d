package dev.cistern.agent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Runs a step of the stop on a daemon thread of its own and waits for it until a deadline, so no step can hold the exit. */
final class Deadline {
    private static final Logger LOG = Logger.getLogger(Deadline.class.getName());

    /** A step that may throw. */
    interface Step {
        void run() throws Exception;
    }

    private Deadline() {}

    /** Whether {@code step} finished (normally or not) by {@code deadlineNanos} (System.nanoTime). */
    static boolean run(String name, Step step, long deadlineNanos) {
        Thread t = new Thread(() -> {
            try {
                step.run();
            } catch (Exception e) {
                LOG.log(Level.WARNING, name + " failed", e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        try {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left > 0) t.join(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) LOG.warning(name + " did not finish by the drain deadline; left running as the process exits");
        return !t.isAlive();
    }

    /**
     * Stops a scheduler's periodic tasks and lets a running one finish (up to two seconds, within the deadline) before
     * interrupting it: an interrupt closes the file channel a task is writing (the journal ledger), which then reads
     * as a failed write.
     */
    static void stop(ExecutorService executor, long deadlineNanos) {
        executor.shutdown();
        long left = Math.min(deadlineNanos - System.nanoTime(), TimeUnit.SECONDS.toNanos(2));
        try {
            if (left > 0 && executor.awaitTermination(left, TimeUnit.NANOSECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }
}
