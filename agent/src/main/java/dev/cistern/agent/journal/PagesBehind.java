package dev.cistern.agent.journal;

import java.io.IOException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;

/**
 * Gives back ({@link PageAdvice}) the journal pages behind one user of it, the appender's write position or a tailer's
 * read position: all of the chunk before it, each time the position has moved a step. Chronicle maps a cycle file a
 * block and a quarter at a time and keeps every page touched through a mapping resident until it unmaps it; the
 * cycle's first block stays mapped for the cycle's life.
 * Only the chunk this user's bytes have mapped now is advised: they hold it mapped meanwhile, so the range cannot be
 * unmapped and taken by another mapping under the call (advice on anonymous memory would zero it). Chronicle shares a
 * chunk's mapping between its users: a reader further behind faults its pages back in from the page cache.
 * The chunk before also maps the first quarter block of this one (its overlap), and Chronicle's own scans of the
 * queue's end (the store's header and index lookups, {@code lastIndex}, counting entries) go through it there: those
 * pages stay resident in it (16 MiB of the 65 MiB first chunk, for the cycle's life) unless given back there too,
 * while this user is in that quarter block and a little past it ({@link #OVERLAP_MARGIN}).
 * Not thread-safe: one per appender or tailer, used by its thread.
 */
final class PagesBehind implements ReferenceOwner {
    /** Advised a step at a time: each call walks the chunk's page tables, takes entries out and flushes the process' TLBs. */
    static final long STEP = 1L << 20;

    /** How far past the chunk before's overlap it is still given back: Chronicle's scans start at an indexed entry behind. */
    static final long OVERLAP_MARGIN = 4L << 20;

    private MappedBytesStore store;
    /** File offset up to which this user has advised {@link #store}: page-aligned within it. */
    private long advisedTo;

    /** {@code b} has been written or read up to file offset {@code position}: this user needs nothing before it again. */
    void passed(Bytes<?> b, long position) {
        if (!PageAdvice.available() || !(b.bytesStore() instanceof MappedBytesStore m)) return;
        if (m != store) { // another chunk, or the same one mapped again
            store = m;
            advisedTo = m.start();
        }
        long to = adviseTo(m.start(), advisedTo, position, PageAdvice.PAGE, STEP);
        if (to == advisedTo || !m.inside(m.start(), to - m.start())) return;
        // from the chunk's start, not from the last step: a read fault maps the whole page-cache folio around it (up to
        // 2 MiB), pages behind the last step too, and another user's faults map pages behind this one
        PageAdvice.dontNeed(m.addressForRead(m.start()), to - m.start());
        advisedTo = to;
        if (b instanceof MappedBytes mb) overlapBehind(mb.mappedFile(), m.start(), to);
    }

    /**
     * Gives back {@code [start, to)} where the chunk before the one at {@code start} maps it too, while {@code to} is
     * within that chunk's overlap or {@link #OVERLAP_MARGIN} past it. The chunk before is reserved for the call, so it
     * cannot be unmapped under it (when no one holds it, that maps it and unmaps it again: nothing of it is resident).
     */
    private void overlapBehind(MappedFile file, long start, long to) {
        long chunk = file.chunkSize();
        long end = start + file.overlapSize();
        if (start < chunk || to > end + OVERLAP_MARGIN) return;
        MappedBytesStore before;
        try {
            before = file.acquireByteStore(this, start - chunk);
        } catch (IOException | RuntimeException e) {
            return; // the file is closing: nothing maps it for long
        }
        try {
            long until = Math.min(to, end);
            if (before.start() == start - chunk && before.inside(start, until - start)) {
                PageAdvice.dontNeed(before.addressForRead(start), until - start);
            }
        } finally {
            before.release(this);
        }
    }

    /**
     * How far to advise a chunk mapped from file offset {@code start}, already advised up to {@code from}: {@code position}
     * rounded down to a page of the chunk, when that is at least {@code step} past {@code from}; else {@code from}.
     */
    static long adviseTo(long start, long from, long position, long page, long step) {
        if (position < from) return from;
        long to = start + (position - start) / page * page;
        return to - from >= step ? to : from;
    }
}
