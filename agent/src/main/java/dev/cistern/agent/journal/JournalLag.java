package dev.cistern.agent.journal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes acknowledged into the journal and not yet written into the spool, for backpressure.
 * Counts entries appended by this process; entries replayed from before a restart are not counted.
 */
public final class JournalLag {
    private final long firstIndexOfThisRun;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong pendingEntries = new AtomicLong();

    public JournalLag(long lastIndexAtStart) {
        this.firstIndexOfThisRun = lastIndexAtStart + 1;
    }

    public void appended(long bytes) {
        pending.addAndGet(bytes);
        pendingEntries.incrementAndGet();
    }

    public void consumed(long index, long bytes) {
        if (index >= firstIndexOfThisRun) {
            pending.addAndGet(-bytes);
            pendingEntries.decrementAndGet();
        }
    }

    public long pendingEntries() {
        return Math.max(0, pendingEntries.get());
    }

    public long pendingBytes() {
        return Math.max(0, pending.get());
    }
}
