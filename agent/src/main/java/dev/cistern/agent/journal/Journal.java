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

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final DateTimeFormatter cycleFileFormat;
    private final ExcerptAppender appender;

    private Journal(Path dir, RollCycle rollCycle) {
        this.dir = dir;
        this.rollCycle = rollCycle;
        this.queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle).build();
        this.cycleFileFormat = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        this.appender = queue.createAppender();
        appender.singleThreadedCheckDisabled(true); // used by many threads, always under this object's lock
    }

    public static Journal open(Path dir, String rollCycle) throws IOException {
        Files.createDirectories(dir);
        removeUninitialisedCycles(dir);
        return new Journal(dir, rollCycle(rollCycle));
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

    /** Appends one entry and returns its index. The entry is in the OS page cache when this returns. */
    public synchronized long append(JournalEntry.Kind kind, String stream, byte[] payload, int off, int len) {
        try (DocumentContext dc = appender.writingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            b.writeByte(kind.code);
            b.writeUtf8(stream);
            b.writeInt(len);
            b.write(payload, off, len);
        }
        return appender.lastIndexAppended();
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

    /** Bytes of cycle files on disk. */
    public long diskBytes() {
        long total = 0;
        for (Path p : cycleFiles()) {
            try {
                total += Files.size(p);
            } catch (IOException ignored) {
                // released while we looked
            }
        }
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
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) return null;
                    long index = dc.index();
                    lastIndexRead = index;
                    if (lanes > 1 && ResumePlan.laneOf(index, lanes) != lane) continue; // closing the context moves past it
                    Bytes<?> b = dc.wire().bytes();
                    JournalEntry.Kind kind = JournalEntry.Kind.of(b.readByte());
                    if (kind == null) return new JournalEntry(index, null, "", new byte[0]);
                    String stream = b.readUtf8();
                    int len = b.readInt();
                    byte[] payload = new byte[len];
                    b.read(payload);
                    return new JournalEntry(index, kind, stream, payload);
                }
            }
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
