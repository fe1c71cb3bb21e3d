package dev.cistern.agent.http;

import java.util.concurrent.atomic.AtomicLong;

/** Request bytes buffered at once across all connections, reserved when the headers say how many are coming. */
final class InflightBudget {
    private final long max;
    private final AtomicLong used = new AtomicLong();

    InflightBudget(long max) {
        this.max = max;
    }

    boolean tryReserve(long n) {
        if (n <= 0) return true;
        while (true) {
            long u = used.get();
            if (u + n > max) return false;
            if (used.compareAndSet(u, u + n)) return true;
        }
    }

    void release(long n) {
        if (n > 0) used.addAndGet(-n);
    }

    long used() {
        return used.get();
    }
}
