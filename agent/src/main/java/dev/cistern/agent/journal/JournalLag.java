package dev.cistern.agent.journal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bytes acknowledged into the journal and not yet written into the spool, for backpressure.
 * Counts entries appended by this process; entries replayed from before a restart are not counted.
 *
 * <p>Also the lowest the lag got down to lately ({@link #recentBacklog}), for adaptive quality: with rows grouped by
 * series a lane takes entries in quickly and then writes a whole block at once, and while it does the lag rises by
 * what arrives meanwhile (4-6 MiB at a fifth of full load) however well it keeps up. Whether the lanes keep up shows
 * in how low the lag gets between those bursts, not in its height at the moment a segment opens, which is right after
 * a block was written, at its highest.
 */
public final class JournalLag {
    /** About a second (2^30 ns): the lowest lag is kept for this epoch and the one before. */
    private static final int EPOCH_SHIFT = 30;

    private final long firstIndexOfThisRun;
    private final LongSupplier clock;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong pendingEntries = new AtomicLong();
    private volatile long paceMark = Long.MAX_VALUE; // journal.pace_above_bytes, live on a reload
    private long epoch = Long.MIN_VALUE; // guarded by this, as are the four below
    private long low;
    private long lowBefore = Long.MAX_VALUE;
    private long high;
    private long highBefore;

    public JournalLag(long lastIndexAtStart) {
        this(lastIndexAtStart, System::nanoTime);
    }

    JournalLag(long lastIndexAtStart, LongSupplier nanoClock) {
        this.firstIndexOfThisRun = lastIndexAtStart + 1;
        this.clock = nanoClock;
    }

    public void appended(long bytes) {
        long now = pending.addAndGet(bytes);
        pendingEntries.incrementAndGet();
        note(Math.max(0, now));
    }

    public void consumed(long index, long bytes) {
        if (index >= firstIndexOfThisRun) {
            long now = pending.addAndGet(-bytes);
            pendingEntries.decrementAndGet();
            note(Math.max(0, now));
        }
    }

    public long pendingEntries() {
        return Math.max(0, pendingEntries.get());
    }

    public long pendingBytes() {
        return Math.max(0, pending.get());
    }

    /** The lag above which requests wait for the lanes ({@code journal.pace_above_bytes}): set at start and on a reload. */
    public void paceAt(long bytes) {
        paceMark = bytes;
    }

    /** {@link #recentBacklog(long)} at the pace mark set last. */
    public long recentBacklog() {
        return recentBacklog(paceMark);
    }

    /**
     * The backlog adaptive quality goes by: the lowest lag of the last one to two seconds (how low the lanes got it
     * between the blocks they write), unless it reached {@code paceMark} in that time: requests were held back for the
     * lanes then, so they do not keep up, and it is the highest. When nothing came in or went out for longer, the lag now.
     */
    public long recentBacklog(long paceMark) {
        long now = pendingBytes();
        long e = clock.getAsLong() >> EPOCH_SHIFT;
        synchronized (this) {
            if (e != epoch && e != epoch + 1) return now;
            long highest = Math.max(now, e == epoch ? Math.max(high, highBefore) : high);
            if (highest >= paceMark) return highest;
            return Math.min(now, e == epoch ? Math.min(low, lowBefore) : low);
        }
    }

    private synchronized void note(long bytes) {
        long e = clock.getAsLong() >> EPOCH_SHIFT;
        if (e != epoch) {
            boolean next = e == epoch + 1;
            lowBefore = next ? low : Long.MAX_VALUE;
            highBefore = next ? high : 0;
            low = bytes;
            high = bytes;
            epoch = e;
        } else {
            low = Math.min(low, bytes);
            high = Math.max(high, bytes);
        }
    }
}
