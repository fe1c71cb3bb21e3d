package dev.cistern.agent.journal;

import dev.cistern.spool.Fsync;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Rebuilds one damaged cycle file (see {@link JournalRecovery}): its entries that read back are copied
 * in order into a fresh queue in {@code journal.rebuild/} whose clock stands at the cycle's start, so each
 * keeps its index; a marker then says the copy is whole. The swap moves the damaged file into quarantine
 * (with a {@code .reason} file) and the copy into {@code journal/}; a crash between the two is finished
 * at the next open ({@link #finishInterrupted}), and a copy without its marker is thrown away.
 */
final class CycleRebuild {
    static final String QUARANTINE_DIR = "journal.cycles";
    private static final String READY = "ready";
    private static final byte[] NO_BYTES = new byte[0];
    private static final Logger LOG = Logger.getLogger(CycleRebuild.class.getName());

    private CycleRebuild() {}

    static Path rebuildDir(Path journal) {
        return journal.resolveSibling(journal.getFileName() + ".rebuild");
    }

    /** Copies the entries of {@code c} that read back into a fresh file of its cycle. */
    static void copy(SingleChronicleQueue damaged, RollCycle rc, CycleCheck c, Path journal) throws IOException {
        Path out = rebuildDir(journal);
        deleteTree(out);
        Files.createDirectories(out);
        long start = damaged.epoch() + (long) c.cycle() * rc.lengthInMillis();
        long[] clock = {start};
        // the copy's block must take the largest entry there, whatever body limit wrote it (JournalBlocks)
        long block = JournalBlocks.forEntry(largestEntry(damaged, c));
        try (SingleChronicleQueue fresh = SingleChronicleQueueBuilder.binary(out).rollCycle(rc).epoch(damaged.epoch())
                .blockSize(block).timeProvider(() -> clock[0]).build();
             ExcerptAppender appender = fresh.createAppender();
             ExcerptTailer tailer = damaged.createTailer()) {
            if (c.entries() > 0 && !tailer.moveToCycle(c.cycle())) throw new IOException("cycle " + c.cycle() + " no longer reads");
            for (long n = 0; n < c.entries(); n++) {
                try (DocumentContext in = tailer.readingDocument()) {
                    if (!in.isPresent()) throw new IOException("cycle " + c.cycle() + " read " + n + " entries of " + c.entries());
                    copyEntry(in, appender);
                    if (appender.lastIndexAppended() != in.index()) {
                        throw new IOException("the copy of entry " + in.index() + " got index " + appender.lastIndexAppended());
                    }
                }
            }
            // one entry in the next cycle makes Chronicle close this one with its end-of-cycle mark; that file is dropped
            clock[0] = start + rc.lengthInMillis();
            try (DocumentContext next = appender.writingDocument()) {
                EntryFormat.write(next.wire().bytes(), JournalEntry.Kind.TICK, "", NO_BYTES, 0, 0);
            }
        }
        String keep = new CycleFiles(journal, rc).of(c.cycle()).getFileName().toString();
        for (Path p : cycleFiles(out)) if (!p.getFileName().toString().equals(keep)) Files.delete(p);
        Fsync.directory(out);
        Files.writeString(out.resolve(READY), c.why() + "\n");
        Fsync.directory(out);
    }

    private static long largestEntry(SingleChronicleQueue damaged, CycleCheck c) {
        long largest = 0;
        try (ExcerptTailer tailer = damaged.createTailer()) {
            if (c.entries() == 0 || !tailer.moveToCycle(c.cycle())) return 0;
            for (long n = 0; n < c.entries(); n++) {
                try (DocumentContext in = tailer.readingDocument()) {
                    if (!in.isPresent()) break;
                    largest = Math.max(largest, in.wire().bytes().readRemaining());
                }
            }
        }
        return largest;
    }

    private static void copyEntry(DocumentContext in, ExcerptAppender appender) {
        Bytes<?> b = in.wire().bytes();
        long from = b.readPosition();
        long len = b.readRemaining();
        boolean whole = EntryFormat.read(in.index(), b, (i, k) -> true).kind() != null;
        try (DocumentContext out = appender.writingDocument()) {
            if (whole) {
                out.wire().bytes().write(b, from, len);
            } else {
                EntryFormat.write(out.wire().bytes(), JournalEntry.Kind.TICK, "", NO_BYTES, 0, 0); // keeps the index, holds no rows
            }
        }
    }

    /** Moves {@code damaged}, the file of {@code c}, into quarantine with its reason, and its rebuilt copy (if any) in. */
    static void swap(Path journal, Path quarantine, CycleCheck c, Path damaged) throws IOException {
        Path out = rebuildDir(journal);
        List<Path> copies = cycleFiles(out);
        if (copies.size() > 1) throw new IOException(out + " holds " + copies.size() + " cycle files; expected one");
        if (!copies.isEmpty() && !copies.get(0).getFileName().equals(damaged.getFileName())) {
            throw new IOException("the rebuilt copy " + copies.get(0).getFileName() + " is not of " + damaged.getFileName());
        }
        Files.createDirectories(quarantine);
        Path to = quarantine.resolve(damaged.getFileName() + "." + Instant.now().toString().replace(':', '-'));
        Files.writeString(quarantine.resolve(to.getFileName() + ".reason"), "journal cycle " + c.cycle() + ": " + c.why()
                + "; " + c.entries() + " entries read back and kept, " + c.lostEntries() + " entries and " + c.lostBytes()
                + " bytes lost after them\n", StandardCharsets.UTF_8);
        Files.move(damaged, to);
        Fsync.directory(quarantine);
        if (!copies.isEmpty()) Files.move(copies.get(0), damaged, StandardCopyOption.ATOMIC_MOVE);
        Fsync.directory(journal);
        deleteTree(out);
    }

    /** A rebuild a crash cut short: finished when its copy was whole, else thrown away. */
    static void finishInterrupted(Path journal, Path quarantine) throws IOException {
        Path out = rebuildDir(journal);
        if (!Files.isDirectory(out)) return;
        List<Path> copies = cycleFiles(out);
        if (Files.exists(out.resolve(READY)) && copies.size() == 1) {
            Path target = journal.resolve(copies.get(0).getFileName());
            String why = Files.readString(out.resolve(READY)).strip();
            if (Files.exists(target)) {
                Files.createDirectories(quarantine);
                Files.move(target, quarantine.resolve(target.getFileName() + "." + Instant.now().toString().replace(':', '-')));
            }
            Files.move(copies.get(0), target, StandardCopyOption.ATOMIC_MOVE);
            Fsync.directory(journal);
            LOG.warning("finished the rebuild of journal cycle file " + target.getFileName() + " a stop interrupted (" + why + ")");
        }
        deleteTree(out);
    }

    private static List<Path> cycleFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
