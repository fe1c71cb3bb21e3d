package dev.cistern.agent.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The agent's write-ahead journal: a Chronicle Queue in {@code journal/}. Each accepted request is
 * appended as one entry before it is acknowledged; the sealer tails entries into the spool. Whole
 * cycle files are released once every row from them is sealed.
 */
public final class Journal implements AutoCloseable {
    static {
        ChronicleSettings.apply();
    }

    private static final Logger LOG = Logger.getLogger(Journal.class.getName());
    private static final String CYCLE_SUFFIX = ".cq4";
    /** Blocks are allocated this far past what the next entry needs, so most appends make no system call. */
    private static final long RESERVE_STEP = 1 << 20;
    /** Room kept for a new cycle file's header and first indexes (12 KiB measured), beyond the entry and index slack. */
    private static final long NEW_CYCLE_BYTES = 256 << 10;

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final DateTimeFormatter cycleFileFormat;
    private ExcerptAppender appender;
    /** Reads back entries written where blocks were not allocated first; used under the append lock. */
    private final ExcerptTailer checker;
    /** What Chronicle may write ahead of an entry: an index array, twice over. */
    private final long indexSlack;
    private boolean fallocate = FileBlocks.available();
    private int writeCycle = Integer.MIN_VALUE;
    private long writeEnd = -1;
    private long reservedTo = -1;
    private long faults;
    private final boolean sync;
    private long synced;

    private Journal(Path dir, RollCycle rollCycle, boolean sync) {
        this.dir = dir;
        this.rollCycle = rollCycle;
        this.sync = sync;
        this.queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle)
                .syncMode(sync ? SyncMode.SYNC : SyncMode.NONE).build();
        this.cycleFileFormat = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        this.appender = newAppender();
        this.checker = queue.createTailer();
        checker.singleThreadedCheckDisabled(true);
        this.indexSlack = 2L * rollCycle.defaultIndexCount() * Long.BYTES + (64 << 10);
        allocateMetadata();
    }

    /**
     * Chronicle's table store ({@code metadata.cq4t}) is memory-mapped and sparse too, and written at
     * every roll: its blocks are allocated now, while there is room, so a roll on a full disk cannot
     * fault in it. Best effort: a full disk at startup is reported by the first append instead.
     */
    private void allocateMetadata() {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".cq4t")).toList()) {
                if (FileBlocks.allocate(p, 0, Files.size(p)) == FileBlocks.Result.NO_SPACE) {
                    LOG.warning("no space to allocate the journal's " + p.getFileName() + ": a cycle roll on this full disk could fault in it");
                }
            }
        } catch (IOException e) {
            LOG.warning("could not allocate the journal's table store: " + e.getMessage());
        }
    }

    private ExcerptAppender newAppender() {
        ExcerptAppender a = queue.createAppender();
        a.singleThreadedCheckDisabled(true); // used by many threads, always under this object's lock
        return a;
    }

    public static Journal open(Path dir, String rollCycle) throws IOException {
        return open(dir, rollCycle, false);
    }

    /** @param sync whether an append returns only once the entry is on disk (msync), not just in the page cache */
    public static Journal open(Path dir, String rollCycle, boolean sync) throws IOException {
        Files.createDirectories(dir);
        removeUninitialisedCycles(dir);
        return new Journal(dir, rollCycle(rollCycle), sync);
    }

    /**
     * A process killed while creating a cycle file leaves it with no complete store header, and
     * Chronicle then waits at startup for a writer that will never come. Such a file cannot hold an
     * entry (entries follow the header), so it is deleted, and said so.
     */
    static void removeUninitialisedCycles(Path dir) throws IOException {
        for (Path p : cycleFilesIn(dir)) {
            int header;
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.READ)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                ch.read(b, 0);
                header = b.position() < 4 ? 0 : b.getInt(0);
            }
            boolean notComplete = (header & 0x80000000) != 0;
            if (header == 0 || notComplete) {
                LOG.warning("journal cycle " + p.getFileName() + " was never initialised (a crash during its creation); it holds no entries and is removed");
                Files.delete(p);
            }
        }
    }

    /** A Chronicle roll cycle by name; the TEST_* cycles (seconds long) exist for tests. */
    public static RollCycle rollCycle(String name) {
        if (name.startsWith("TEST")) return net.openhft.chronicle.queue.rollcycles.TestRollCycles.valueOf(name);
        return RollCycles.valueOf(name);
    }

    /**
     * Appends one entry and returns its index. The entry is in the OS page cache when this returns
     * (on disk, when opened with {@code sync}), and its bytes were checked to be there: on a full disk this throws {@link JournalFullException}
     * instead, before anything is written when it can (see {@link FileBlocks}).
     */
    public synchronized long append(JournalEntry.Kind kind, String stream, byte[] payload, int off, int len) throws JournalFullException {
        boolean reserved = reserveFor(1 + 5 + 3L * stream.length() + 4 + len);
        long end;
        try (DocumentContext dc = appender.writingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            b.writeByte(kind.code);
            b.writeUtf8(stream);
            b.writeInt(len);
            b.write(payload, off, len);
            end = b.writePosition(); // a file offset: Chronicle's mapped bytes span the whole cycle file
        } catch (InternalError fault) {
            // a page of a new cycle file the disk could not back; the JVM reported it in time
            faults++;
            appender.close();
            appender = newAppender();
            writeEnd = -1;
            throw new JournalFullException("the journal's memory-mapped file could not be written (disk full?): " + fault.getMessage());
        }
        long index = appender.lastIndexAppended();
        int cycle = rollCycle.toCycle(index);
        // a new cycle file (or no fallocate): its pages were not allocated first, so check they took the bytes
        if (!reserved || cycle != writeCycle) checkWritten(index, kind, stream, payload, off, len);
        if (cycle != writeCycle) reservedTo = -1; // a new file: nothing of it is allocated yet
        writeCycle = cycle;
        writeEnd = end;
        if (sync) {
            appender.sync(); // msync of the pages written since the last one
            synced++;
        }
        return index;
    }

    /** Appends that returned only once on disk ({@code journal.sync: sync}). */
    public synchronized long syncedAppends() {
        return synced;
    }

    /** Appends that hit a fault of the memory-mapped file (and were refused): none while allocation works. */
    public synchronized long faults() {
        return faults;
    }

    /**
     * Allocates the blocks the next entry of {@code entryBytes} may touch in the current cycle file,
     * plus what Chronicle may write before it (an index array). False when that cannot be known (no
     * entry yet in this cycle, or no fallocate here): the caller then checks what it wrote.
     */
    private boolean reserveFor(long entryBytes) throws JournalFullException {
        if (!fallocate || writeEnd < 0 || queue.cycle() != writeCycle) {
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
        Path file = cycleFile(writeCycle);
        FileBlocks.Result r;
        try {
            r = FileBlocks.allocate(file, writeEnd, to + RESERVE_STEP - writeEnd);
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

    /** Reads entry {@code index} back; a page the disk could not back reads as zeros. */
    private void checkWritten(long index, JournalEntry.Kind kind, String stream, byte[] payload, int off, int len) throws JournalFullException {
        JournalEntry e;
        if (!checker.moveToIndex(index)) throw new JournalFullException("journal entry " + index + " cannot be read back (disk full?)");
        try (DocumentContext dc = checker.readingDocument()) {
            if (!dc.isPresent() || dc.index() != index) throw new JournalFullException("journal entry " + index + " is missing after its write (disk full?)");
            e = Reader.decode(index, dc.wire().bytes(), (i, k) -> true);
        } catch (RuntimeException torn) {
            throw new JournalFullException("journal entry " + index + " cannot be decoded after its write (disk full?): " + torn);
        }
        if (e.kind() != kind || !e.stream().equals(stream)
                || !java.util.Arrays.equals(e.payload(), 0, e.payload().length, payload, off, off + len)) {
            throw new JournalFullException("journal entry " + index + " did not reach the disk whole (disk full?)");
        }
    }

    private Path cycleFile(int cycle) {
        return dir.resolve(cycleFileFormat.format(Instant.ofEpochMilli((long) cycle * rollCycle.lengthInMillis())) + CYCLE_SUFFIX);
    }

    /** A tailer reading entries in order; not thread-safe, one per reader. */
    public Reader reader() {
        return new Reader(queue.createTailer());
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
        long total = 0;
        for (Path p : cycleFiles()) total += FileBlocks.allocatedBytes(p);
        return total;
    }

    /**
     * Deletes cycle files wholly before the cycle holding {@code firstNeededIndex}: every entry in
     * them has been sealed. Returns how many files were deleted.
     */
    public int releaseBefore(long firstNeededIndex) {
        if (firstNeededIndex < 0) return 0;
        int cycle = rollCycle.toCycle(firstNeededIndex);
        String keepFrom = cycleFileFormat.format(Instant.ofEpochMilli((long) cycle * rollCycle.lengthInMillis())) + CYCLE_SUFFIX;
        int deleted = 0;
        for (Path p : cycleFiles()) {
            if (p.getFileName().toString().compareTo(keepFrom) < 0) {
                try {
                    Files.deleteIfExists(p);
                    deleted++;
                    LOG.fine("released journal cycle " + p.getFileName());
                } catch (IOException e) {
                    LOG.warning("could not delete consumed journal cycle " + p + ": " + e);
                }
            }
        }
        if (deleted > 0) queue.refreshDirectoryListing();
        return deleted;
    }

    private List<Path> cycleFiles() {
        return cycleFilesIn(dir);
    }

    private static List<Path> cycleFilesIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(CYCLE_SUFFIX)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        checker.close();
        appender.close();
        queue.close();
    }

    /** Reads entries in order. */
    public final class Reader implements AutoCloseable {
        private final ExcerptTailer tailer;
        private long lastIndexRead = -1;

        private Reader(ExcerptTailer tailer) {
            this.tailer = tailer;
            tailer.singleThreadedCheckDisabled(true); // positioned by one thread, then read by the sealer
        }

        /**
         * Positions the reader at the entry {@code index}; when there is no such entry (-1, a
         * cycle boundary, or a released cycle), at the start: callers skip what they do not need.
         */
        public void seek(long index) {
            lastIndexRead = -1;
            if (index < 0 || !tailer.moveToIndex(index)) tailer.toStart();
        }

        /** The next entry, or null when there is none yet. */
        public JournalEntry next() {
            return next(0, 1);
        }

        /**
         * The next entry of lane {@code lane} out of {@code lanes} (see {@link ResumePlan#laneOf}),
         * moving past other lanes' entries without copying them; null when there is none yet.
         */
        public JournalEntry next(int lane, int lanes) {
            return next(lane, lanes, (index, kind) -> true);
        }

        /** Whether the payload of an entry is to be copied out. */
        @FunctionalInterface
        public interface PayloadWanted {
            boolean test(long index, JournalEntry.Kind kind);
        }

        /**
         * As {@link #next(int, int)}, but the payload is copied only when {@code wantPayload} says so
         * for the entry (the caller may have its contents already).
         */
        public JournalEntry next(int lane, int lanes, PayloadWanted wantPayload) {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) return null;
                    long index = dc.index();
                    lastIndexRead = index;
                    if (lanes > 1 && ResumePlan.laneOf(index, lanes) != lane) continue; // closing the context moves past it
                    return decode(index, dc.wire().bytes(), wantPayload);
                }
            }
        }

        /** An entry's fields; an unknown kind (a torn entry) comes back with a null kind and nothing else. */
        static JournalEntry decode(long index, Bytes<?> b, PayloadWanted wantPayload) {
            JournalEntry.Kind kind = JournalEntry.Kind.of(b.readByte());
            if (kind == null) return new JournalEntry(index, null, "", new byte[0]);
            String stream = b.readUtf8();
            int len = b.readInt();
            if (len < 0 || len > b.readRemaining()) return new JournalEntry(index, null, "", new byte[0]);
            if (!wantPayload.test(index, kind)) return new JournalEntry(index, kind, stream, null, len);
            byte[] payload = new byte[len];
            b.read(payload);
            return new JournalEntry(index, kind, stream, payload);
        }

        /** Index of the last entry this reader moved past, in any lane; -1 before the first. */
        public long lastIndexRead() {
            return lastIndexRead;
        }

        @Override
        public void close() {
            tailer.close();
        }
    }
}
