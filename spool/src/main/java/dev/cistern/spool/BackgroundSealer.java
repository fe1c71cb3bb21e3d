package dev.cistern.spool;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Finishes, syncs and renames rotated segments on one background thread, so the threads that
 * append keep compressing while the disk syncs. Segments are sealed in the order they were
 * handed over.
 *
 * <p>When a seal fails, the segment stays in {@code active/} for recovery and the failure is
 * reported to the next writer call. Until then, later segments are left in {@code active/} too,
 * so sealed output never runs ahead of a hole. A spool replayed from a journal keeps refusing
 * until {@link #reset()}: its resume point is read off sealed names, which must form a prefix.
 */
final class BackgroundSealer {
    /** Rotated segments waiting for the sealing thread; each holds its file (its encoder was freed at rotation). */
    static final int MAX_PENDING = 4;

    private final Spool spool;
    private final boolean sticky;
    private final ExecutorService thread;
    private final Semaphore slots = new Semaphore(MAX_PENDING);
    /** Handed over and not sealed yet (or failed and not yet reset): their journal entries are still needed. */
    private final Set<Segment> pending = ConcurrentHashMap.newKeySet();
    private volatile SpoolWriteException failure;

    BackgroundSealer(Spool spool, boolean sticky) {
        this.spool = spool;
        this.sticky = sticky;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cistern-sealer-" + spool.layout().root().getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues a segment whose rows are all written to its encoder; blocks while MAX_PENDING are queued. */
    void submit(Segment seg) {
        slots.acquireUninterruptibly();
        pending.add(seg);
        try {
            thread.execute(() -> seal(seg));
        } catch (RuntimeException e) { // shut down: seal here rather than lose it
            seal(seg);
        }
    }

    private void seal(Segment seg) {
        try {
            if (failure != null) {
                seg.abandon();
                return;
            }
            long start = System.nanoTime();
            SealedSegment sealed = seg.seal();
            pending.remove(seg);
            spool.sealed(sealed, System.nanoTime() - start);
        } catch (Throwable e) {
            // Errors too (a codec's LinkageError, out of memory): this thread lives on, the failure reaches the writers,
            // and the agent's supervisor judges it from the cause (docs/architecture.md, "Supervision")
            abandonQuietly(seg);
            spool.writeFailed();
            failure = new SpoolWriteException("sealing segment " + seg.tempPath() + " failed; it stays for recovery", e);
        } finally {
            slots.release();
        }
    }

    private static void abandonQuietly(Segment seg) {
        try {
            seg.abandon();
        } catch (Throwable ignored) {
            // the native encoder may be what failed: the temp file stays for recovery whatever happens here
        }
    }

    /**
     * A segment its shard gave up after a failed write. In a journal-fed spool it counts as failed:
     * its journal entries stay needed (a timer's failed write has no caller to replay them) and
     * writes are refused until {@link #reset()}, as for a failed seal.
     */
    void abandoned(Segment seg, SpoolWriteException cause) {
        if (!sticky) return; // the caller got the exception; recovery salvages the temp file
        pending.add(seg);
        synchronized (this) {
            if (failure == null) failure = cause;
        }
    }

    /** Throws a seal failure not yet reported (or, when sticky, not yet reset). */
    void check() throws SpoolWriteException {
        SpoolWriteException f = failure;
        if (f == null) return;
        if (!sticky) {
            synchronized (this) {
                if (failure != f) return; // another writer reported it
                failure = null;
                pending.removeIf(Segment::isAbandoned);
            }
        }
        throw f;
    }

    /** Waits until every segment handed over so far is sealed or has failed. */
    void await() throws IOException {
        try {
            Future<?> done = thread.submit(() -> { });
            done.get();
        } catch (RejectedExecutionException e) {
            awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for segments to seal");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The lowest journal index in a segment handed over and not sealed, or NO_SOURCE. */
    long firstSource() {
        long min = SegmentName.NO_SOURCE;
        for (Segment s : pending) {
            min = SegmentName.lowerSource(min, s.firstSource());
        }
        return min;
    }

    /** As {@link #firstSource()}, for the segments of lane {@code lane} of {@code lanes} (entry i is in lane i mod lanes). */
    long firstSource(int lane, int lanes) {
        long min = SegmentName.NO_SOURCE;
        for (Segment s : pending) {
            long first = s.firstSource();
            if (first != SegmentName.NO_SOURCE && Math.floorMod(first, (long) lanes) == lane) min = SegmentName.lowerSource(min, first);
        }
        return min;
    }

    /** After the spool dropped every temp file: forgets failed segments and accepts writes again. */
    synchronized void reset() throws IOException {
        await();
        pending.clear();
        failure = null;
    }

    /** Seals what is queued, then stops the thread. */
    void close() throws IOException {
        thread.shutdown();
        awaitTermination();
    }

    private void awaitTermination() throws IOException {
        try {
            if (!thread.awaitTermination(5, TimeUnit.MINUTES)) throw new IOException("segments still sealing after 5 minutes");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for segments to seal");
        }
    }
}
