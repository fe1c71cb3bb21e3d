package dev.cistern.agent;

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
}
