package dev.cistern.spool;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Appends rows to one stream. Safe from many threads: each thread has a home shard and moves to
 * a free one when its home is busy, so threads compress in parallel.
 *
 * <p>An append returns once the row is staged in memory. Rows are durable once {@link #flush()}
 * returns or their segment is sealed. A full segment is handed to the spool's sealing thread, so
 * appends do not wait for its sync; a seal that fails is thrown from the next call on any writer.
 */
public final class StreamWriter implements RowSink {

    /** Work done under one shard's lock: a whole request's rows at the cost of one lock. */
    @FunctionalInterface
    public interface Batch {
        void write(RowSink sink) throws IOException;
    }

    private final String stream;
    private final BackgroundSealer sealer;
    private final Shard[] shards;
    private final AtomicInteger nextHome = new AtomicInteger();
    private final ThreadLocal<Shard> home;

    StreamWriter(Spool spool, String stream, int shardCount) {
        this.stream = stream;
        this.sealer = spool.sealer();
        this.shards = new Shard[shardCount];
        for (int i = 0; i < shardCount; i++) shards[i] = new Shard(spool, stream);
        this.home = ThreadLocal.withInitial(() -> shards[Math.floorMod(nextHome.getAndIncrement(), shards.length)]);
    }

    public String stream() {
        return stream;
    }

    private Shard acquire() throws SpoolWriteException {
        sealer.check(); // a segment that failed to seal is reported to the next caller
        Shard h = home.get();
        if (h.lock.tryLock()) return h;
        for (Shard s : shards) {
            if (s != h && s.lock.tryLock()) return s;
        }
        h.lock.lock();
        return h;
    }

    @Override
    public void append(Series series, long timestampMillis, double value) throws IOException {
        Shard s = acquire();
        try {
            s.append(series, timestampMillis, value);
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public void appendJson(byte[] utf8, int offset, int length) throws IOException {
        Shard s = acquire();
        try {
            s.appendJson(utf8, offset, length);
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public void appendJson(byte[] utf8, int offset, int length, long timestampMillis) throws IOException {
        Shard s = acquire();
        try {
            s.appendJson(utf8, offset, length, timestampMillis);
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public void appendObject(long timestampMillis, ObjectWriter fields) throws IOException {
        Shard s = acquire();
        try {
            s.appendObject(timestampMillis, fields);
        } finally {
            s.lock.unlock();
        }
    }

    /** Runs {@code batch} against one shard, holding its lock throughout. */
    public void batch(Batch batch) throws IOException {
        Shard s = acquire();
        try {
            batch.write(s);
        } finally {
            s.lock.unlock();
        }
    }

    /** Runs {@code batch} for the rows of journal entry {@code journalIndex} on shard {@code lane} (see {@link JournalFedSpool}). */
    void journalBatch(long journalIndex, int lane, Batch batch) throws IOException {
        sealer.check();
        Shard s = shards[lane];
        s.lock.lock();
        try {
            s.sourcedBatch(journalIndex, batch);
        } finally {
            s.lock.unlock();
        }
    }

    /** The lowest journal index with rows in an open (unsealed) segment of this stream, or NO_SOURCE. */
    long firstOpenJournalIndex() {
        long min = SegmentName.NO_SOURCE;
        for (Shard s : shards) {
            s.lock.lock();
            try {
                min = SegmentName.lowerSource(min, s.openFirstSource());
            } finally {
                s.lock.unlock();
            }
        }
        return min;
    }

    /** The lowest journal index with rows in shard {@code lane}'s open segment, or NO_SOURCE. */
    long firstOpenJournalIndex(int lane) {
        Shard s = shards[lane];
        s.lock.lock();
        try {
            return s.openFirstSource();
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * Makes every row appended so far durable: Brotli flush + fsync of each open temp file, and
     * rotated segments sealed.
     */
    public void flush() throws IOException {
        flushOpen();
        sealer.await();
        sealer.check();
    }

    /** Brotli flush + fsync of each open temp file, without waiting for rotated segments. */
    void flushOpen() throws IOException {
        for (Shard s : shards) {
            s.lock.lock();
            try {
                s.flush();
            } finally {
                s.lock.unlock();
            }
        }
    }

    /** Seals every open segment of this stream now; returns once they are sealed. */
    public void seal() throws IOException {
        handOver();
        sealer.await();
        sealer.check();
    }

    /** Hands every open segment to the sealing thread without waiting. */
    void handOver() throws IOException {
        IOException first = null;
        for (Shard s : shards) {
            s.lock.lock();
            try {
                s.seal();
            } catch (IOException e) {
                if (first == null) first = e;
            } finally {
                s.lock.unlock();
            }
        }
        if (first != null) throw first;
    }

    /** Drops open segments and their temp files; true when there was one. */
    boolean discardOpen() throws IOException {
        boolean any = false;
        for (Shard s : shards) {
            s.lock.lock();
            try {
                any |= s.discard();
            } finally {
                s.lock.unlock();
            }
        }
        return any;
    }

    /** Seals segments older than the rotation age; skips shards busy right now (they rotate by size). */
    void sealIfOlderThan(long maxAgeNanos) throws IOException {
        long now = System.nanoTime();
        for (Shard s : shards) {
            if (!s.olderThan(maxAgeNanos, now) || !s.lock.tryLock()) continue;
            try {
                if (s.olderThan(maxAgeNanos, System.nanoTime())) s.seal();
            } finally {
                s.lock.unlock();
            }
        }
    }
}
