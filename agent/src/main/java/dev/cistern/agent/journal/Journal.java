package dev.cistern.agent.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * The agent's write-ahead journal: a Chronicle Queue in {@code journal/}. Each accepted request is
 * appended as one entry before it is acknowledged ({@link JournalAppender}); the applier tails
 * entries into the spool ({@link JournalTailer}). Whole cycle files are released once every row
 * from them is sealed ({@link CycleFiles}).
 */
public final class Journal implements AutoCloseable {
    static {
        ChronicleSettings.apply();
    }

    private final SingleChronicleQueue queue;
    private final CycleFiles cycles;
    private final JournalAppender appender;

    private Journal(Path dir, RollCycle rollCycle, boolean sync) {
        this.queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle)
                .syncMode(sync ? SyncMode.SYNC : SyncMode.NONE).build();
        this.cycles = new CycleFiles(dir, rollCycle);
        BlockReservation blocks = new BlockReservation(dir, cycles, rollCycle, queue.createTailer());
        this.appender = new JournalAppender(queue, rollCycle, blocks, sync);
        BlockReservation.allocateTableStore(dir);
    }

    public static Journal open(Path dir, String rollCycle) throws IOException {
        return open(dir, rollCycle, false);
    }

    /** @param sync whether an append returns only once the entry is on disk (msync), not just in the page cache */
    public static Journal open(Path dir, String rollCycle, boolean sync) throws IOException {
        Files.createDirectories(dir);
        CycleFiles.removeUninitialised(dir);
        return new Journal(dir, rollCycle(rollCycle), sync);
    }

    /** A Chronicle roll cycle by name; the TEST_* cycles (seconds long) exist for tests. */
    public static RollCycle rollCycle(String name) {
        if (name.startsWith("TEST")) return TestRollCycles.valueOf(name);
        return RollCycles.valueOf(name);
    }

    /**
     * Appends one entry and returns its index. The entry is in the OS page cache when this returns
     * (on disk, when opened with {@code sync}), and its bytes were checked to be there: on a full disk
     * this throws {@link JournalFullException} instead, before anything is written when it can
     * (see {@link BlockReservation}).
     */
    public long append(JournalEntry.Kind kind, String stream, byte[] payload, int off, int len) throws JournalFullException {
        return appender.append(kind, stream, payload, off, len);
    }

    /** Appends that returned only once on disk ({@code journal.sync: sync}). */
    public long syncedAppends() {
        return appender.syncedAppends();
    }

    /** Appends that hit a fault of the memory-mapped file (and were refused): none while allocation works. */
    public long faults() {
        return appender.faults();
    }

    /** A tailer reading every entry in order. */
    public JournalTailer tailer() {
        return tailer(Lanes.ONE, 0);
    }

    /** A tailer reading the entries of lane {@code lane} in order. */
    public JournalTailer tailer(Lanes lanes, int lane) {
        return new JournalTailer(queue.createTailer(), lanes, lane);
    }

    /** Highest index appended, or -1 when the journal is empty. */
    public long lastIndex() {
        long i = queue.lastIndex();
        return i < 0 ? -1 : i;
    }

    /** Entries in [from, to). */
    public long countEntries(long from, long to) {
        if (from >= to) return 0;
        try {
            return queue.countExcerpts(from, to);
        } catch (RuntimeException e) {
            return 0; // a cycle was released between the two calls; the next reading catches up
        }
    }

    /** Bytes the cycle files take on disk: allocated blocks, not their (sparse) apparent size. */
    public long diskBytes() {
        return cycles.diskBytes();
    }

    /**
     * Deletes cycle files wholly before the cycle holding {@code firstNeededIndex}: every entry in
     * them has been sealed. Returns how many files were deleted.
     */
    public int releaseBefore(long firstNeededIndex) {
        int deleted = cycles.releaseBefore(firstNeededIndex);
        if (deleted > 0) queue.refreshDirectoryListing();
        return deleted;
    }

    @Override
    public void close() {
        appender.close();
        queue.close();
    }
}
