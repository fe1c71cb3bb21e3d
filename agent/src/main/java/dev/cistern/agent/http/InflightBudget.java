package dev.cistern.agent.http;

import java.util.concurrent.TimeUnit;

/**
 * The heap that requests may hold at once, across all connections ({@code server.max_inflight_bytes}, a sixth
 * of the heap by default): each body, reserved from its Content-Length when the headers come, and what an endpoint
 * makes of it (a decompressed body, decoded rows), charged before it is allocated ({@link Exchange#charge}).
 * Everything a request holds is released when its answer is written. The event loop never waits
 * ({@link #tryReserve}); an endpoint's charge waits a bounded time for room ({@link #reserve}), because a
 * request that is being decoded next to it will be answered soon.
 */
final class InflightBudget {
    private final long max;
    private final long waitNanos;
    private long used; // guarded by this

    InflightBudget(long max, long waitMillis) {
        this.max = max;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
    }

    /** Takes {@code n} bytes if there is room now. */
    synchronized boolean tryReserve(long n) {
        if (n <= 0) return true;
        if (used + n > max) return false;
        used += n;
        return true;
    }

    /** Takes {@code n} bytes, waiting for other requests to release theirs; false if there was no room in time. */
    synchronized boolean reserve(long n) throws InterruptedException {
        if (n <= 0) return true;
        if (n > max) return false;
        long deadline = System.nanoTime() + waitNanos;
        while (used + n > max) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        used += n;
        return true;
    }

    synchronized void release(long n) {
        if (n <= 0) return;
        used -= n;
        notifyAll();
    }

    synchronized long used() {
        return used;
    }

    long max() {
        return max;
    }

    long waitMillis() {
        return TimeUnit.NANOSECONDS.toMillis(waitNanos);
    }
}
