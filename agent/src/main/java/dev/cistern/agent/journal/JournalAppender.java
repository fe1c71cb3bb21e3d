package dev.cistern.agent.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Appends entries, one at a time from any thread: on blocks reserved first ({@link BlockReservation}),
 * and synced before returning when the journal is opened with {@code sync}.
 */
final class JournalAppender implements AutoCloseable {
    /** Chronicle's document header, before the write position a document context starts at. */
    private static final int HEADER_BYTES = 4;
    /**
     * How far behind the appender its pages are given back. The lanes read a little behind it (about 70 MB a second
     * is appended at 1.5 M samples/s), and a page given back before they read it is faulted in again by them: lagging
     * by 8 MiB took 2 % less CPU a sample at quality 1 for 6 MB more peak RSS (docs/benchmarks.md, "Journal pages
     * given back 8 MiB behind the appender"). The lanes' tailers give back what they have read either way.
     */
    static final long ADVICE_LAG = 8L << 20;

    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final BlockReservation blocks;
    private final boolean sync;
    private final long maxEntryBytes;
    private final PagesBehind pages = new PagesBehind();
    /** The last entry appended by this process: its kind is known without reading it back. */
    private volatile Appended last;
    private ExcerptAppender appender;
    private long faults;
    private long synced;

    JournalAppender(SingleChronicleQueue queue, RollCycle rollCycle, BlockReservation blocks, boolean sync, long maxEntryBytes) {
        this.queue = queue;
        this.maxEntryBytes = maxEntryBytes;
        this.rollCycle = rollCycle;
        this.blocks = blocks;
        this.sync = sync;
        this.appender = newAppender();
    }

    private ExcerptAppender newAppender() {
        ExcerptAppender a = queue.createAppender();
        a.singleThreadedCheckDisabled(true); // used by many threads, always under this object's lock
        return a;
    }

    /** See {@link Journal#append}. */
    synchronized long append(JournalEntry.Kind kind, String stream, byte[] payload, int off, int len) throws JournalFullException {
        long most = EntryFormat.maxBytes(stream, len);
        if (most > maxEntryBytes) { // Chronicle would throw mid-write and leave a torn entry behind
            throw new EntryTooLargeException("a journal entry of " + len + " bytes is over the journal's limit of " + maxEntryBytes
                    + " (ingest.max_body_bytes sets it)");
        }
        boolean reserved = blocks.reserveFor(most, queue.cycle());
        long start;
        long end;
        Bytes<?> b;
        try (DocumentContext dc = appender.writingDocument()) {
            b = dc.wire().bytes();
            start = b.writePosition();
            EntryFormat.write(b, kind, stream, payload, off, len);
            end = b.writePosition(); // a file offset: Chronicle's mapped bytes span the whole cycle file
        } catch (InternalError fault) {
            // a page of a new cycle file the disk could not back; the JVM reported it in time
            faults++;
            appender.close();
            appender = newAppender();
            blocks.faulted();
            throw new JournalFullException("the journal's memory-mapped file could not be written (disk full?): " + fault.getMessage());
        }
        long index = appender.lastIndexAppended();
        int cycle = rollCycle.toCycle(index);
        if (blocks.mustReadBack(reserved, cycle)) blocks.readBack(index, kind, stream, payload, off, len);
        last = new Appended(index, kind);
        blocks.written(cycle, end);
        if (sync) {
            appender.sync(); // msync of the pages written since the last one
            synced++;
        }
        // what is before this entry's header (Chronicle reads the last entry's header at the next append), less the lag
        pages.passed(b, start - HEADER_BYTES - lag(b));
        return index;
    }

    /** {@link #ADVICE_LAG}, or a quarter of a smaller chunk (bodies of 1.5 MiB or less): some of it is still given back. */
    private static long lag(Bytes<?> b) {
        return b instanceof MappedBytes mb ? Math.min(ADVICE_LAG, mb.mappedFile().chunkSize() / 4) : ADVICE_LAG;
    }

    /**
     * The kind of entry {@code index} when it is the last one this process appended; else null. Reading it would move a
     * tailer there, which reads up to an index spacing of entries, each mapping the page-cache folio around it (up to
     * 2 MiB) back into the agent behind every reader that gave those pages back ({@link PagesBehind}).
     */
    JournalEntry.Kind kindIfLast(long index) {
        Appended a = last;
        return a != null && a.index == index ? a.kind : null;
    }

    private record Appended(long index, JournalEntry.Kind kind) {}

    synchronized long syncedAppends() {
        return synced;
    }

    synchronized long faults() {
        return faults;
    }

    @Override
    public synchronized void close() {
        blocks.close();
        appender.close();
    }
}
