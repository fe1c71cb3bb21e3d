package dev.cistern.agent.journal;

import java.nio.file.Path;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * How big Chronicle's blocks are, from the largest entry the journal must take. Chronicle maps a cycle file a block
 * plus an overlap of a quarter block at a time (one such mapping for the appender, one for each lane reading behind
 * it, and the cycle's first block for its header), and an entry must fit in the overlap: Chronicle sets the write
 * limit of a document to it (a larger write throws and leaves a torn entry). So a block holds four of the largest
 * entries, and no more: every mapping's resident pages grow with it. Chronicle does not record the block size, and
 * entries of any size read back under any block size: a restart with another body limit reads what is there. Only
 * the first append after a restart needs more: Chronicle checks its position against the last entry's by one block,
 * so a journal whose last entry is larger than the new limit takes is opened with blocks for that entry.
 */
final class JournalBlocks {
    /** {@code ingest.max_body_bytes} by default, for journals opened without one (tools, tests). */
    static final long DEFAULT_MAX_BODY = 16L << 20;
    /** No smaller: each block crossed is a map and an unmap, and the first one holds the cycle's header and indexes. */
    static final long FLOOR = 4L << 20;
    /** Blocks are whole MiB: what the rounding adds (up to a quarter MiB an entry) is the room above the body limit. */
    private static final long ROUND = 1L << 20;
    /** The longest stream name ({@code StreamName}): 64 characters. */
    private static final int MAX_STREAM_CHARS = 64;

    private JournalBlocks() {}

    /** The block size for a journal whose entries hold at most {@code maxBodyBytes} of payload. */
    static long forBody(long maxBodyBytes) {
        long entry = EntryFormat.maxBytes("x".repeat(MAX_STREAM_CHARS), (int) Math.min(Integer.MAX_VALUE, maxBodyBytes));
        return forEntry(entry);
    }

    /** The block size for {@code maxBodyBytes}, or larger when the last entry in {@code dir} needs it (see above). */
    static long forJournal(Path dir, RollCycle rollCycle, long maxBodyBytes) {
        return Math.max(forBody(maxBodyBytes), forEntry(lastEntryBytes(dir, rollCycle)));
    }

    /** Bytes of the last entry in {@code dir}; 0 when there is none. */
    static long lastEntryBytes(Path dir, RollCycle rollCycle) {
        if (!CycleFiles.any(dir)) return 0;
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle).blockSize(FLOOR).build();
             ExcerptTailer t = q.createTailer()) {
            long last = q.lastIndex();
            if (last < 0 || !t.moveToIndex(last)) return 0;
            try (DocumentContext dc = t.readingDocument()) {
                return dc.isPresent() ? dc.wire().bytes().readRemaining() : 0;
            }
        }
    }

    /** The block size that takes entries of {@code entryBytes} (frame included). */
    static long forEntry(long entryBytes) {
        long block = (4 * entryBytes + ROUND - 1) / ROUND * ROUND;
        return Math.max(FLOOR, block);
    }

    /** The most an entry may take under {@code blockSize}: Chronicle's overlap (a quarter block from 256 KiB to 4 GiB). */
    static long maxEntryBytes(long blockSize) {
        return Math.min(blockSize / 4, 1L << 30);
    }
}
