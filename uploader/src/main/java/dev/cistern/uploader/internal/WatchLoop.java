package dev.cistern.uploader.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Continuous mode: a pass every scan interval, or sooner after {@link #wake()}, on its own thread. */
public final class WatchLoop {
    private static final Logger LOG = Logger.getLogger(WatchLoop.class.getName());

    /** One pass over the waiting files. */
    @FunctionalInterface
    public interface Pass {
        void run() throws IOException;
    }

    private final Path watched;
    private final Duration interval;
    private final Pass pass;
    private final Object wakeLock = new Object();
    private boolean woken;
    private volatile boolean stopped;
    private Thread thread;

    public WatchLoop(Path watched, Duration interval, Pass pass) {
        this.watched = watched;
        this.interval = interval;
        this.pass = pass;
    }

    public synchronized boolean started() {
        return thread != null;
    }

    public synchronized void start() {
        if (thread != null) return;
        thread = new Thread(this::run, "cistern-uploader");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a pass soon. */
    public void wake() {
        synchronized (wakeLock) {
            woken = true;
            wakeLock.notifyAll();
        }
    }

    /** No pass starts after this; the one under way finishes. */
    public void stop() {
        stopped = true;
        wake();
    }

    /** Waits for the loop thread to end, if it was started. */
    public void join(Duration grace) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) t.join(grace.toMillis());
    }

    private void run() {
        while (!stopped) {
            try {
                pass.run();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "upload pass over " + watched + " failed: " + e.getMessage(), e);
            }
            if (!sleep()) return;
        }
    }

    /** Waits for the interval or a wake-up; false when interrupted. */
    private boolean sleep() {
        synchronized (wakeLock) {
            long deadline = System.currentTimeMillis() + interval.toMillis();
            while (!woken && !stopped) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) break;
                try {
                    wakeLock.wait(left);
                } catch (InterruptedException e) {
                    return false;
                }
            }
            woken = false;
            return true;
        }
    }
}
