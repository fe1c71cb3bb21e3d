package dev.cistern.agent.journal;

import dev.cistern.spool.Fsync;
import dev.cistern.spool.JournalSource;
import dev.cistern.spool.SpoolLayout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The agent's write-ahead journal: a Chronicle Queue in {@code journal/}. Each accepted request is
 * appended as one entry before it is acknowledged ({@link JournalAppender}); the applier tails
 * entries into the spool ({@link JournalTailer}). Whole cycle files are released once every row
 * from them is sealed ({@link CycleFiles}); the cycle being appended to is rolled first when it holds
 * only sealed entries ({@link #rollIfSealed}), so the journal shrinks with no new appends.
 */
public final class Journal implements AutoCloseable {
    static {
        ChronicleSettings.apply();
    }

    private static final Logger LOG = Logger.getLogger(Journal.class.getName());
    /** Forced rolls may run the journal's clock this many cycles ahead of the wall clock, no more. */
    static final int MAX_LEAD_CYCLES = 4;
    private static final long LEAD_WARN_EVERY_MILLIS = 60_000;

    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final JournalClock clock = new JournalClock();
    private final CycleFiles cycles;
    private final JournalAppender appender;
    private final JournalIdentity identity;
    private final JournalDamage damage = new JournalDamage();
    private final JournalOwnership ownership = new JournalOwnership(this);
    private final FileChannel lockChannel;
    private final AppendSignal ready = new AppendSignal();
    /** The highest index appended (at open: the last one there): a sealed name past it is not this journal's. */
    private volatile long end;
    private long leadWarnedAt;

    private Journal(Path dir, RollCycle rollCycle, boolean sync, long blockSize, JournalIdentity identity, FileChannel lockChannel) {
        this.queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle).timeProvider(clock).blockSize(blockSize)
                .syncMode(sync ? SyncMode.SYNC : SyncMode.NONE).build();
        this.rollCycle = rollCycle;
        this.identity = identity;
        this.lockChannel = lockChannel;
        // never append into a cycle before the highest one on disk (it may be ahead of the wall clock)
        if (queue.lastCycle() >= 0) clock.notBefore(startOf(queue.lastCycle()));
        this.cycles = new CycleFiles(dir, rollCycle);
        BlockReservation blocks = new BlockReservation(dir, cycles, rollCycle, queue.createTailer());
        this.appender = new JournalAppender(queue, rollCycle, blocks, sync, maxEntryBytes());
        BlockReservation.allocateTableStore(dir);
        this.end = lastIndex();
    }

    public static Journal open(Path dir, String rollCycle) throws IOException {
        return open(dir, rollCycle, false, JournalBlocks.DEFAULT_MAX_BODY);
    }

    /**
     * Opens the journal in {@code dir}, alone (a lock file), after recovering its tail ({@link JournalRecovery}).
     * A journal keeps the roll cycle it was made with ({@link JournalIdentity}): a different {@code rollCycle}
     * is warned about and not used.
     *
     * @param sync whether an append returns only once the entry is on disk (msync), not just in the page cache
     * @param maxBodyBytes the largest payload an entry must take: Chronicle's block size follows it ({@link JournalBlocks})
     */
    public static Journal open(Path dir, String rollCycle, boolean sync, long maxBodyBytes) throws IOException {
        Files.createDirectories(dir);
        FileChannel lock = JournalIdentity.lock(dir);
        Journal j = null;
        try {
            List<String> removed = CycleFiles.quarantineUninitialised(dir, quarantine(dir));
            String existing = JournalIdentity.existingRollCycle(dir, rollCycle);
            // a crash while creating the only cycle file leaves the same journal, not a new one: its ledger and names still hold
            JournalIdentity identity = JournalIdentity.establish(dir, CycleFiles.any(dir) || !removed.isEmpty(), existing);
            Fsync.directory(dir);
            if (!identity.rollCycle().equals(rollCycle)) {
                LOG.warning("journal.roll_cycle is " + rollCycle + " but the journal in " + dir + " was made with "
                        + identity.rollCycle() + ": it keeps " + identity.rollCycle() + " (to change it, stop the agent once"
                        + " everything is sealed and delete " + dir + ")");
            }
            RollCycle cycle = rollCycle(identity.rollCycle());
            JournalRecovery.Report r = JournalRecovery.run(dir, cycle, quarantine(dir));
            j = new Journal(dir, cycle, sync, JournalBlocks.forJournal(dir, cycle, maxBodyBytes), identity, lock);
            j.damage.found(r.damagedEntries(), r.damagedBytes());
            int past = Math.max(r.rollPast(), j.newestRemoved(removed));
            if (past >= 0) j.rollPast(past);
            return j;
        } catch (IOException | RuntimeException e) {
            if (j != null) j.close();
            else lock.close();
            throw e;
        }
    }

    /** Where damaged cycle files go: {@code <data>/quarantine/journal.cycles/}. */
    static Path quarantine(Path dir) {
        return dir.toAbsolutePath().resolveSibling(SpoolLayout.QUARANTINE).resolve(CycleRebuild.QUARANTINE_DIR);
    }

    /**
     * The newest cycle of a file removed as uninitialised when it is newer than every cycle left and not
     * ahead of the wall clock by more than {@value #MAX_LEAD_CYCLES} cycles (a crash while creating it, or a
     * file cut inside its header: it may have held entries whose indices are in sealed names); else -1.
     */
    private int newestRemoved(List<String> removed) {
        long newest = -1;
        for (String name : removed) newest = Math.max(newest, cycles.cycleOf(name));
        long now = (System.currentTimeMillis() - queue.epoch()) / rollCycle.lengthInMillis();
        return newest > queue.lastCycle() && newest <= now + MAX_LEAD_CYCLES ? (int) newest : -1;
    }

    /** After recovery cut entries off the newest cycle, appends go into a later one (a lost index may be in a sealed name). */
    private void rollPast(int cycle) throws IOException {
        clock.notBefore(startOf(cycle + 1));
        try {
            long tick = appender.append(JournalEntry.Kind.TICK, "", new byte[0], 0, 0);
            end = Math.max(end, tick);
            LOG.warning("journal: rolled past damaged cycle " + cycle + " (new entries from index " + tick + " on)");
        } catch (JournalFullException e) {
            throw new IOException("journal: cannot roll past damaged cycle " + cycle + ": " + e.getMessage(), e);
        }
    }

    /** Which journal this is. */
    public JournalIdentity identity() {
        return identity;
    }

    /** What recovery and the resume plan found damaged or foreign. */
    public JournalDamage damage() {
        return damage;
    }

    /** The highest index appended, or at open the last one there (-1: none). */
    public long end() {
        return end;
    }

    /** The journal as its spool's ledger sees it: its id, and which sealed names are its own. */
    public JournalSource source() {
        return ownership;
    }

    /** A Chronicle roll cycle by name; the TEST_* cycles (seconds long) exist for tests. */
    public static RollCycle rollCycle(String name) {
        return name.startsWith("TEST") ? TestRollCycles.valueOf(name) : RollCycles.valueOf(name);
    }

    /**
     * Appends one entry and returns its index. The entry is in the OS page cache when this returns
     * (on disk, when opened with {@code sync}), and its bytes were checked to be there: on a full disk
     * this throws {@link JournalFullException} instead, before anything is written when it can
     * (see {@link BlockReservation}); an entry over {@link #maxEntryBytes} throws {@link EntryTooLargeException}.
     */
    public long append(JournalEntry.Kind kind, String stream, byte[] payload, int off, int len) throws JournalFullException {
        long index = appender.append(kind, stream, payload, off, len);
        if (index > end) end = index; // appends are serialised by the appender; a lagging reader only errs low
        return index;
    }

    /** Wakes the lanes waiting for an entry: its writer signals once the entry can be read whole. */
    public AppendSignal readySignal() {
        return ready;
    }

    /** The most an entry (payload, stream and frame) may take; a larger one is refused ({@link EntryTooLargeException}). */
    public long maxEntryBytes() {
        return JournalBlocks.maxEntryBytes(queue.blockSize());
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

    /** Deletes cycle files wholly before the cycle holding {@code firstNeededIndex} (all sealed); returns how many. */
    public int releaseBefore(long firstNeededIndex) {
        int deleted = cycles.releaseBefore(firstNeededIndex);
        if (deleted > 0) queue.refreshDirectoryListing();
        return deleted;
    }

    /**
     * Rolls the journal into a new cycle, by appending a {@link JournalEntry.Kind#TICK} entry (which
     * the lanes skip), when every entry is sealed ({@code firstNeededIndex} is past the last one) and
     * the last entry is not itself a tick: the cycle it is in can then be released by
     * {@link #releaseBefore} once the lanes have passed the tick. A cycle the wall clock has left rolls
     * at once; the current one only when {@code forSpace} (retention is over its limit), by moving the
     * queue's clock to the next cycle's start ({@link JournalClock}), at most {@value #MAX_LEAD_CYCLES}
     * cycles ahead of the wall clock. Returns the tick's index, or -1 when nothing was rolled.
     */
    public long rollIfSealed(long firstNeededIndex, boolean forSpace) throws JournalFullException {
        long last = lastIndex();
        if (last < 0 || firstNeededIndex <= last || kindAt(last) == JournalEntry.Kind.TICK) return -1;
        int lastCycle = rollCycle.toCycle(last);
        if (queue.cycle() <= lastCycle) {
            if (!forSpace) return -1;
            long next = startOf(lastCycle + 1);
            if (next - System.currentTimeMillis() > (long) MAX_LEAD_CYCLES * rollCycle.lengthInMillis()) {
                warnLead();
                return -1;
            }
            clock.notBefore(next);
        }
        long tick = append(JournalEntry.Kind.TICK, "", new byte[0], 0, 0);
        ready.signal();
        if (rollCycle.toCycle(tick) <= lastCycle) LOG.warning("journal did not roll: tick " + tick + " is in cycle " + lastCycle);
        return tick;
    }

    /** Bytes one cycle file takes beyond its entries: header, index arrays and the blocks allocated ahead. */
    public static long cycleOverheadBytes(String rollCycle) {
        return BlockReservation.cycleOverheadBytes(rollCycle(rollCycle));
    }

    private long startOf(int cycle) {
        return queue.epoch() + (long) cycle * rollCycle.lengthInMillis();
    }

    private JournalEntry.Kind kindAt(long index) {
        JournalEntry.Kind known = appender.kindIfLast(index); // not read back: see there
        if (known != null) return known;
        try (ExcerptTailer t = queue.createTailer()) {
            if (!t.moveToIndex(index)) return null;
            try (DocumentContext dc = t.readingDocument()) {
                return dc.isPresent() ? EntryFormat.read(index, dc.wire().bytes(), (i, k) -> false).kind() : null;
            }
        }
    }

    private void warnLead() {
        long now = System.currentTimeMillis();
        if (now - leadWarnedAt < LEAD_WARN_EVERY_MILLIS) return;
        leadWarnedAt = now;
        LOG.warning("journal: not rolled to free space, its clock already runs " + clock.leadMillis() / 1000
                + " s ahead of the wall clock (at most " + MAX_LEAD_CYCLES + " cycles of " + rollCycle.lengthInMillis() / 1000
                + " s): ingest outruns retention.max_total_bytes within one cycle; choose a shorter journal.roll_cycle"
                + " or a larger max_total_bytes (docs/operations.md)");
    }

    @Override
    public void close() {
        appender.close();
        queue.close();
        try {
            lockChannel.close();
        } catch (IOException e) {
            LOG.warning("closing the journal's lock file: " + e.getMessage());
        }
    }
}
