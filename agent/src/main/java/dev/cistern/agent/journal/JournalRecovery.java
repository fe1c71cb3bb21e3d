package dev.cistern.agent.journal;

import java.io.IOException;
import java.io.StreamCorruptedException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.ExcerptContext;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Sequence;

/**
 * Recovers the journal's tail at open, before anything appends: reads every cycle file from its start,
 * checking each entry's checksum, and finds where the entries that read back in order end.
 *
 * <p>Chronicle Queue 2026.4 cannot read past damage (measured: a truncated or zeroed tail, or a flipped
 * length word, ends the tailer there for good, while the appender goes on writing after the damage from
 * the index and write position in the file's header: those entries are acknowledged and never read, and
 * the appender reuses indices of entries lost). So a damaged cycle is rebuilt ({@link CycleRebuild}): its
 * entries up to the damage are copied into a fresh file of the same cycle, in order and so under the same
 * indices (an entry failing its checksum becomes a tick, which holds no rows), the damaged file is moved to
 * {@code quarantine/journal.cycles/} with its reason, and the copy takes its place. When the newest cycle
 * lost entries, the journal then rolls past it ({@link Report#rollPast}), so no index of a lost entry,
 * perhaps sealed already, is used again.
 */
final class JournalRecovery {
    private static final Logger LOG = Logger.getLogger(JournalRecovery.class.getName());

    /** What recovery found and did; {@code rollPast} is the cycle appends must move past, or -1. */
    record Report(long damagedEntries, long damagedBytes, int rebuiltCycles, int rollPast) {
        static final Report NONE = new Report(0, 0, 0, -1);
    }

    private JournalRecovery() {}

    static Report run(Path dir, RollCycle rollCycle, Path quarantine) throws IOException {
        CycleRebuild.finishInterrupted(dir, quarantine);
        CycleFiles files = new CycleFiles(dir, rollCycle);
        List<Integer> cycles = files.cycles();
        if (cycles.isEmpty()) return Report.NONE;
        List<CycleCheck> checks = new ArrayList<>();
        try (SingleChronicleQueue queue = open(dir, rollCycle)) {
            for (int c : cycles) if (!opens(queue, c)) checks.add(CycleCheck.unreadable(c, FileBlocks.allocatedBytes(files.of(c)),
                    "its header does not read"));
        }
        if (!checks.isEmpty()) { // out of the way first: Chronicle's tailer cannot even start with them there
            Report r = apply(files, rollCycle, dir, quarantine, checks, cycles.get(cycles.size() - 1));
            Report rest = run(dir, rollCycle, quarantine);
            return new Report(r.damagedEntries() + rest.damagedEntries(), r.damagedBytes() + rest.damagedBytes(),
                    r.rebuiltCycles() + rest.rebuiltCycles(), Math.max(r.rollPast(), rest.rollPast()));
        }
        try (SingleChronicleQueue queue = open(dir, rollCycle); ExcerptTailer tailer = queue.createTailer()) {
            for (int i = 0; i < cycles.size(); i++) {
                boolean last = i == cycles.size() - 1;
                checks.add(check(queue, tailer, rollCycle, files.of(cycles.get(i)), cycles.get(i), last));
            }
        } catch (RuntimeException e) {
            // the queue's table store itself does not open: nothing to compare against, leave it to Chronicle
            LOG.warning("journal recovery could not open " + dir + " (" + e + "); the journal opens as it is");
            return Report.NONE;
        }
        return apply(files, rollCycle, dir, quarantine, checks, cycles.get(cycles.size() - 1));
    }

    private static boolean opens(SingleChronicleQueue queue, int cycle) {
        try {
            SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
            if (store != null) queue.closeStore(store);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static SingleChronicleQueue open(Path dir, RollCycle rollCycle) {
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle).build();
    }

    private static Report apply(CycleFiles files, RollCycle rollCycle, Path dir, Path quarantine, List<CycleCheck> checks,
                                int newest) throws IOException {
        long entries = 0;
        long bytes = 0;
        int rebuilt = 0;
        int rollPast = -1;
        for (CycleCheck c : checks) {
            entries += c.damagedEntries() + c.lostEntries();
            bytes += c.damagedBytes() + c.lostBytes();
            if (c.damagedEntries() > 0 && !c.needsRebuild()) {
                LOG.warning("journal cycle " + c.cycle() + ": " + c.damagedEntries() + " entries (" + c.damagedBytes()
                        + " bytes) fail their checksum; they are skipped and counted, the rest is sealed");
            }
            if (!c.needsRebuild()) continue;
            if (!c.unreadable()) { // nothing of an unreadable one to copy: it only moves aside
                try (SingleChronicleQueue queue = open(dir, rollCycle)) {
                    CycleRebuild.copy(queue, rollCycle, c, dir);
                }
            }
            CycleRebuild.swap(dir, quarantine, c, files.of(c.cycle()));
            rebuilt++;
            if (c.cycle() == newest) rollPast = c.cycle();
            LOG.warning("journal cycle " + c.cycle() + " was damaged (" + c.why() + "): " + c.entries() + " entries read back"
                    + " and kept (" + c.damagedEntries() + " of them fail their checksum and are skipped); lost after them: "
                    + c.lostEntries() + " entries, " + c.lostBytes() + " bytes. The damaged file is in " + quarantine);
        }
        return new Report(entries, bytes, rebuilt, rollPast);
    }

    /** What reading one cycle in order found so far. */
    private static final class Reading {
        long n;
        long crcBad;
        long crcBadBytes;
        long lastHeader = -1;
        long lastEnd = -1;
        boolean movedOn;
        String why;
    }

    /** Reads cycle {@code cycle} from its start; see {@link CycleCheck}. */
    private static CycleCheck check(SingleChronicleQueue queue, ExcerptTailer tailer, RollCycle rc, Path file, int cycle,
                                    boolean newest) {
        Reading r = new Reading();
        try {
            if (tailer.moveToCycle(cycle)) read(tailer, rc, cycle, r);
            if (!r.movedOn && tailer.cycle() > cycle) r.movedOn = true;
        } catch (RuntimeException e) {
            if (r.n == 0) return CycleCheck.unreadable(cycle, FileBlocks.allocatedBytes(file), "it does not read: " + e);
            r.why = "reading after entry " + r.n + " failed: " + e;
        }
        if (r.movedOn && r.why == null) return new CycleCheck(cycle, r.n, r.crcBad, r.crcBadBytes, false, 0, 0, false, null);
        long written = writtenSequences(queue, tailer, cycle);
        long wp = writePosition(queue, cycle);
        long tailEnd = lastNonZero(file, Math.max(0, r.lastEnd));
        boolean lostSome = written > r.n || r.lastHeader >= 0 && wp > r.lastHeader || r.lastEnd >= 0 && tailEnd > r.lastEnd;
        if (r.why == null && lostSome) r.why = "the file says more was written than reads back";
        if (r.why == null && !newest) r.why = "it has no end-of-cycle mark, and later cycles exist"; // rebuilt with one, nothing lost
        if (r.why == null) return new CycleCheck(cycle, r.n, r.crcBad, r.crcBadBytes, false, 0, 0, false, null);
        long lost = written > r.n ? written - r.n : lostSome ? 1 : 0;
        long lostBytes = lostSome ? Math.max(tailEnd, wp) - Math.max(0, r.lastEnd) : 0;
        return new CycleCheck(cycle, r.n, r.crcBad, r.crcBadBytes, true, lost, Math.max(0, lostBytes), false, r.why);
    }

    private static void read(ExcerptTailer tailer, RollCycle rc, int cycle, Reading r) {
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) return;
                long index = dc.index();
                if (rc.toCycle(index) != cycle) {
                    r.movedOn = true;
                    dc.rollbackOnClose();
                    return;
                }
                if (index != rc.toIndex(cycle, r.n)) {
                    r.why = "entry " + index + " read where " + rc.toIndex(cycle, r.n) + " was due";
                    return;
                }
                Bytes<?> b = dc.wire().bytes();
                r.lastHeader = b.readPosition() - 4;
                r.lastEnd = b.readLimit();
                long size = b.readRemaining();
                if (EntryFormat.read(index, b, (i, k) -> true).kind() == null) {
                    r.crcBad++;
                    r.crcBadBytes += size;
                }
                r.n++;
            }
        }
    }

    /**
     * Entries the cycle's header says were written, or -1 when it cannot say. Chronicle keeps the last
     * entry's sequence next to its write position in the header, but 2026.4 offers no public read of it
     * ({@code SingleChronicleQueueStore.sequence} is private): read reflectively, else from its index,
     * whose last stretch is found by a scan that stops at damage (so an undercount, never an overcount).
     */
    private static long writtenSequences(SingleChronicleQueue queue, ExcerptTailer tailer, int cycle) {
        try {
            SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
            if (store == null) return -1;
            try {
                long fromHeader = headerSequence(store);
                return fromHeader >= 0 ? fromHeader + 1 : store.lastSequenceNumber((ExcerptContext) tailer) + 1;
            } finally {
                queue.closeStore(store);
            }
        } catch (StreamCorruptedException | RuntimeException e) {
            return -1;
        }
    }

    private static long headerSequence(SingleChronicleQueueStore store) {
        try {
            Field f = SingleChronicleQueueStore.class.getDeclaredField("sequence");
            f.setAccessible(true);
            long s = ((Sequence) f.get(store)).getSequence(store.writePosition());
            return s == Sequence.NOT_FOUND || s == Sequence.NOT_FOUND_RETRY ? -1 : s;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    private static long writePosition(SingleChronicleQueue queue, int cycle) {
        try {
            SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
            if (store == null) return -1;
            try {
                return store.writePosition();
            } finally {
                queue.closeStore(store);
            }
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The offset just past the last non-zero byte of {@code file} at or after {@code from}; {@code from} when there is none. */
    static long lastNonZero(Path file, long from) {
        long end = from;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            long pos = from;
            while (true) {
                buf.clear();
                int r = ch.read(buf, pos);
                if (r <= 0) break;
                for (int i = r - 1; i >= 0; i--) {
                    if (buf.get(i) != 0) {
                        end = pos + i + 1;
                        break;
                    }
                }
                pos += r;
            }
        } catch (IOException e) {
            LOG.warning("could not read journal file " + file + ": " + e.getMessage());
        }
        return end;
    }
}
