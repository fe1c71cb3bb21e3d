package dev.cistern.agent.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.Logger;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Keeps appends off pages the disk cannot back. Cycle files are sparse and memory-mapped, and a
 * write into a page with no block behind it on a full disk faults (SIGBUS). So the blocks ahead of
 * the write position are allocated first ({@link FileBlocks#allocate}, which fails cleanly with
 * ENOSPC); where that cannot be done (the first entry of a new cycle file, or no fallocate here)
 * the entry is read back after its write instead. Used under the appender's lock.
 */
final class BlockReservation implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BlockReservation.class.getName());
    /** Blocks are allocated this far past what the next entry needs, so most appends make no system call. */
    private static final long RESERVE_STEP = 1 << 20;
    /** Room kept for a new cycle file's header and first indexes (12 KiB measured), beyond the entry and index slack. */
    private static final long NEW_CYCLE_BYTES = 256 << 10;

    private final Path dir;
    private final CycleFiles cycles;
    /** Reads back entries written where blocks were not allocated first. */
    private final ExcerptTailer checker;
    /** What Chronicle may write ahead of an entry: an index array, twice over. */
    private final long indexSlack;
    private boolean fallocate = FileBlocks.available();
    private int writeCycle = Integer.MIN_VALUE;
    private long writeEnd = -1;
    private long reservedTo = -1;

    BlockReservation(Path dir, CycleFiles cycles, RollCycle rollCycle, ExcerptTailer checker) {
        this.dir = dir;
        this.cycles = cycles;
        this.checker = checker;
        checker.singleThreadedCheckDisabled(true);
        this.indexSlack = indexSlack(rollCycle);
    }

    private static long indexSlack(RollCycle rollCycle) {
        return 2L * rollCycle.defaultIndexCount() * Long.BYTES + (64 << 10);
    }

    /** What a cycle file may take beyond its entries: its header and first indexes, index slack, one step allocated ahead. */
    static long cycleOverheadBytes(RollCycle rollCycle) {
        return NEW_CYCLE_BYTES + indexSlack(rollCycle) + RESERVE_STEP;
    }

    /**
     * Chronicle's table store ({@code metadata.cq4t}) is memory-mapped and sparse too, and written at
     * every roll: its blocks are allocated now, while there is room, so a roll on a full disk cannot
     * fault in it. Best effort: a full disk at startup is reported by the first append instead.
     */
    static void allocateTableStore(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".cq4t")).toList()) {
                if (FileBlocks.allocate(p, 0, Files.size(p)) == FileBlocks.Result.NO_SPACE) {
                    LOG.warning("no space to allocate the journal's " + p.getFileName()
                            + ": a cycle roll on this full disk could fault in it");
                }
            }
        } catch (IOException e) {
            LOG.warning("could not allocate the journal's table store: " + e.getMessage());
        }
    }

    /**
     * Allocates the blocks the next entry of {@code entryBytes} may touch in the current cycle file
     * ({@code queueCycle}), plus what Chronicle may write before it (an index array). False when that
     * cannot be known (no entry yet in this cycle, or no fallocate here): the entry is then read back.
     */
    boolean reserveFor(long entryBytes, int queueCycle) throws JournalFullException {
        if (!fallocate || writeEnd < 0 || queueCycle != writeCycle) {
            // Chronicle is about to create a cycle file (or nothing can be allocated ahead): it writes its
            // header and indexes before the entry, so there must be clear room for them all
            long free = dir.toFile().getUsableSpace();
            if (free < entryBytes + indexSlack + NEW_CYCLE_BYTES) {
                throw new JournalFullException("only " + free + " bytes free for the journal in " + dir);
            }
            return false;
        }
        long to = writeEnd + entryBytes + indexSlack;
        if (to <= reservedTo) return true;
        FileBlocks.Result r;
        try {
            r = FileBlocks.allocate(cycles.of(writeCycle), writeEnd, to + RESERVE_STEP - writeEnd);
        } catch (IOException e) {
            LOG.warning("allocating journal blocks failed, reading the entry back instead: " + e.getMessage());
            return false;
        }
        switch (r) {
            case ALLOCATED -> {
                reservedTo = to + RESERVE_STEP;
                return true;
            }
            case NO_SPACE -> throw new JournalFullException("no space left for the journal in " + dir + " (fallocate: ENOSPC)");
            default -> {
                fallocate = false;
                LOG.warning("the journal's filesystem cannot allocate blocks ahead (fallocate); every entry is read back instead");
                return false;
            }
        }
    }

    /** Whether an entry just written into {@code cycle} must be read back: its pages were not allocated first. */
    boolean mustReadBack(boolean reserved, int cycle) {
        return !reserved || cycle != writeCycle;
    }

    /** An entry was written into {@code cycle}, ending at file offset {@code end}. */
    void written(int cycle, long end) {
        if (cycle != writeCycle) reservedTo = -1; // a new file: nothing of it is allocated yet
        writeCycle = cycle;
        writeEnd = end;
    }

    /** A write faulted: where the next one goes is not known. */
    void faulted() {
        writeEnd = -1;
    }

    /** Reads entry {@code index} back; a page the disk could not back reads as zeros. */
    void readBack(long index, JournalEntry.Kind kind, String stream, byte[] payload, int off, int len) throws JournalFullException {
        JournalEntry e;
        if (!checker.moveToIndex(index)) throw new JournalFullException("journal entry " + index + " cannot be read back (disk full?)");
        try (DocumentContext dc = checker.readingDocument()) {
            if (!dc.isPresent() || dc.index() != index) {
                throw new JournalFullException("journal entry " + index + " is missing after its write (disk full?)");
            }
            e = EntryFormat.read(index, dc.wire().bytes(), (i, k) -> true);
        } catch (RuntimeException torn) {
            throw new JournalFullException("journal entry " + index + " cannot be decoded after its write (disk full?): " + torn);
        }
        if (e.kind() != kind || !e.stream().equals(stream)
                || !Arrays.equals(e.payload(), 0, e.payload().length, payload, off, off + len)) {
            throw new JournalFullException("journal entry " + index + " did not reach the disk whole (disk full?)");
        }
    }

    @Override
    public void close() {
        checker.close();
    }
}
