package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    @TempDir Path dir;

    /** Seals {@code n} one-row segments, each a little later than the one before. */
    private List<SealedSegment> sealSegments(Spool spool, int n) throws Exception {
        List<SealedSegment> out = new ArrayList<>();
        spool.onSealed(out::add);
        Series s = Series.of("m", Labels.of("k", "v".repeat(200)));
        for (int i = 0; i < n; i++) {
            spool.writer("s").append(s, 1763773200000L + i, i);
            spool.writer("s").seal();
            Thread.sleep(3); // distinct creation times in the ids
        }
        return out;
    }

    private static void markUploaded(Spool spool, SealedSegment s) throws Exception {
        Path to = spool.layout().uploadedPath(s.name());
        Files.createDirectories(to.getParent());
        Files.move(s.path(), to);
    }

    private Spool open() throws Exception {
        return Spool.open(SpoolConfig.builder(dir).shardsPerStream(1).build());
    }

    @Test
    void dropsFilesOlderThanMaxAgeAndCountsThem() throws Exception {
        try (Spool spool = open()) {
            List<SealedSegment> segs = sealSegments(spool, 4);
            markUploaded(spool, segs.get(0));
            Thread.sleep(20);
            List<SpoolEvent> events = new ArrayList<>();
            spool.subscribe(events::add);
            Retention r = new Retention(spool, new RetentionPolicy(Duration.ofMillis(10), 0, 0, 0, RetentionPolicy.Overflow.BLOCK));
            r.enforce();
            assertEquals(4, r.filesDropped(DropReason.MAX_AGE));
            assertEquals(4, r.rowsDropped(DropReason.MAX_AGE));
            assertEquals(4, events.stream().filter(e -> e.type() == SpoolEvent.Type.DROPPED).count());
            assertEquals(0, Scanner.of(dir).segments(ScanQuery.all()).size());
        }
    }

    @Test
    void reclaimsUploadedOldestFirstAndKeepsUnsentUnderBlock() throws Exception {
        try (Spool spool = open()) {
            List<SealedSegment> segs = sealSegments(spool, 6);
            for (int i = 0; i < 3; i++) markUploaded(spool, segs.get(i));
            long one = Files.size(spool.layout().uploadedPath(segs.get(0).name()));
            Retention r = new Retention(spool, new RetentionPolicy(null, 4 * one + one / 2, 0, 0, RetentionPolicy.Overflow.BLOCK));
            r.enforce();
            // 6 files, limit 4.5 files: the two oldest uploaded go, the newest uploaded stays
            assertFalse(Files.exists(spool.layout().uploadedPath(segs.get(0).name())));
            assertFalse(Files.exists(spool.layout().uploadedPath(segs.get(1).name())));
            assertTrue(Files.exists(spool.layout().uploadedPath(segs.get(2).name())));
            for (int i = 3; i < 6; i++) assertTrue(Files.exists(segs.get(i).path()), "unsent file kept");
            assertFalse(r.overLimit());

            Retention tight = new Retention(spool, new RetentionPolicy(null, one, 0, 0, RetentionPolicy.Overflow.BLOCK));
            tight.enforce();
            for (int i = 3; i < 6; i++) assertTrue(Files.exists(segs.get(i).path()), "BLOCK never drops unsent files");
            assertTrue(tight.overLimit(), "still over: ingest must be refused");
        }
    }

    @Test
    void dropOldestDropsUnsentFilesOldestFirst() throws Exception {
        try (Spool spool = open()) {
            List<SealedSegment> segs = sealSegments(spool, 5);
            long one = Files.size(segs.get(0).path());
            Retention r = new Retention(spool, new RetentionPolicy(null, 2 * one + one / 2, 0, 0, RetentionPolicy.Overflow.DROP_OLDEST));
            r.enforce();
            for (int i = 0; i < 3; i++) assertFalse(Files.exists(segs.get(i).path()), "oldest dropped: " + i);
            for (int i = 3; i < 5; i++) assertTrue(Files.exists(segs.get(i).path()), "newest kept: " + i);
            assertEquals(3, r.filesDropped(DropReason.MAX_TOTAL_BYTES));
            assertFalse(r.overLimit());
        }
    }

    @Test
    void dropNewestKeepsFilesAndReportsOverLimit() throws Exception {
        try (Spool spool = open()) {
            List<SealedSegment> segs = sealSegments(spool, 3);
            Retention r = new Retention(spool, new RetentionPolicy(null, 1, 0, 0, RetentionPolicy.Overflow.DROP_NEWEST));
            r.enforce();
            for (SealedSegment s : segs) assertTrue(Files.exists(s.path()));
            assertTrue(r.overLimit());
        }
    }

    @Test
    void minimumFreeSpaceIsMeasuredOnTheSpoolsOwnFilesystem() throws Exception {
        try (Spool spool = open()) {
            List<SealedSegment> segs = sealSegments(spool, 2);
            markUploaded(spool, segs.get(0));
            Retention.Usage u = new Retention(spool, RetentionPolicy.NONE).measure();
            assertEquals(Files.getFileStore(dir).getUsableSpace(), u.free(), 1 << 24);
            Retention r = new Retention(spool, new RetentionPolicy(null, 0, u.total(), 0, RetentionPolicy.Overflow.BLOCK));
            r.enforce();
            assertFalse(Files.exists(spool.layout().uploadedPath(segs.get(0).name())), "uploaded reclaimed first");
            assertTrue(Files.exists(segs.get(1).path()));
            assertEquals(1, r.filesDropped(DropReason.MIN_FREE_SPACE));
            assertTrue(r.overLimit());
        }
    }

    @Test
    void dropOldestKeepsUnsentFilesForALimitTheJournalAloneExceedsAndAsksTheJournalFirst() throws Exception {
        try (Spool spool = open()) {
            List<SealedSegment> segs = sealSegments(spool, 3);
            long one = Files.size(segs.get(0).path());
            long[] journal = {10 * one};
            int[] asked = {0};
            Retention r = new Retention(spool, new RetentionPolicy(null, 2 * one, 0, 0, RetentionPolicy.Overflow.DROP_OLDEST),
                    () -> journal[0], () -> asked[0]++);
            r.enforce();
            assertEquals(1, asked[0], "the journal is asked for space first");
            for (SealedSegment s : segs) assertTrue(Files.exists(s.path()), "dropping unsent files cannot meet the limit");
            assertTrue(r.overLimit());
            assertTrue(r.journalOverLimit(), "ingest is refused");

            journal[0] = one / 2; // the journal released its sealed cycle: now dropping unsent files meets the limit
            r.enforce();
            assertFalse(r.journalOverLimit());
            assertFalse(Files.exists(segs.get(0).path()));
            assertFalse(Files.exists(segs.get(1).path()));
            assertTrue(Files.exists(segs.get(2).path()), "oldest first, until within the limit");
            assertEquals(2, r.unsentDrops().rows());
        }
    }
}
