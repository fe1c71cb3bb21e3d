package dev.cistern.agent.journal;

import java.io.IOException;
import java.io.StreamCorruptedException;
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

    private static SingleChronicleQueue open(Path dir, RollCycle rollCycle) {
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle).build();
    }

    private static Report apply(CycleFiles files, RollCycle rollCycle, Path dir, Path quarantine, List<CycleCheck> checks, int newest) throws IOException {
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
            try (SingleChronicleQueue queue = open(dir, rollCycle)) {
                CycleRebuild.copy(queue, rollCycle, c, dir);
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

    /** Reads cycle {@code cycle} from its start; see {@link CycleCheck}. */
    // over 60 lines: one pass over the cycle's documents, with the checks at its end that need its state
    private static CycleCheck check(SingleChronicleQueue queue, ExcerptTailer tailer, RollCycle rc, Path file, int cycle,
                                    boolean newest) {
        long n = 0;
        long crcBad = 0;
        long crcBadBytes = 0;
        long lastHeader = -1;
        long lastEnd = -1;
        boolean movedOn = false;
        String why = null;
        try {
            if (tailer.moveToCycle(cycle)) {
                while (true) {
                    try (DocumentContext dc = tailer.readingDocument()) {
                        if (!dc.isPresent()) break;
                        long index = dc.index();
                        if (rc.toCycle(index) != cycle) {
                            movedOn = true;
                            dc.rollbackOnClose();
                            break;
                        }
                        if (index != rc.toIndex(cycle, n)) {
                            why = "entry " + index + " read where " + rc.toIndex(cycle, n) + " was due";
                            break;
                        }
                        Bytes<?> b = dc.wire().bytes();
                        lastHeader = b.readPosition() - 4;
                        lastEnd = b.readLimit();
                        long size = b.readRemaining();
                        if (EntryFormat.read(index, b, (i, k) -> true).kind() == null) {
                            crcBad++;
                            crcBadBytes += size;
                        }
                        n++;
                    }
                }
            }
            if (!movedOn && tailer.cycle() > cycle) movedOn = true;
        } catch (RuntimeException e) {
            if (n == 0 && lastEnd < 0) return CycleCheck.unreadable(cycle, FileBlocks.allocatedBytes(file), "it does not read: " + e);
            why = "reading after entry " + n + " failed: " + e;
        }
        if (why == null && !movedOn && !newest) why = "its entries stop before the end of the cycle, and later cycles exist";
        long lost = 0;
        long lostBytes = 0;
        if (!movedOn) {
            long written = writtenSequences(queue, tailer, cycle);
            long tailEnd = lastNonZero(file, Math.max(0, lastEnd));
            long wp = writePosition(queue, cycle);
            if (why == null && (written > n || wp > lastHeader && lastHeader >= 0 || tailEnd > lastEnd && lastEnd >= 0)) {
                why = "the file says more was written than reads back";
            }
            if (why != null) {
                lost = Math.max(1, written - n);
                lostBytes = Math.max(tailEnd, wp) - Math.max(0, lastEnd);
            }
        }
        return new CycleCheck(cycle, n, crcBad, crcBadBytes, why != null, lost, Math.max(0, lostBytes), false, why);
    }

    /** Entries the cycle's header and index say were written, or -1 when they cannot say. */
    private static long writtenSequences(SingleChronicleQueue queue, ExcerptTailer tailer, int cycle) {
        try {
            SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
            if (store == null) return -1;
            try {
                return store.lastSequenceNumber((ExcerptContext) tailer) + 1;
            } finally {
                queue.closeStore(store);
            }
        } catch (StreamCorruptedException | RuntimeException e) {
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
