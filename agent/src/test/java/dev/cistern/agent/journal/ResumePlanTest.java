package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.spool.JournalFedSpool;
import dev.cistern.spool.JournalProgress;
import dev.cistern.spool.Labels;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.Series;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.spool.SpoolLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumePlanTest {
    @TempDir Path dir;
    private int ids;

    private void sealed(String stream, long source) throws Exception {
        SpoolLayout layout = new SpoolLayout(dir);
        SegmentName n = new SegmentName(stream, 1, 2, 1, 10, 1, String.format("%020x", ids++), source);
        Path p = layout.sealedPath(n);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }

    @Test
    void emptySpoolReplaysTheWholeJournal() throws Exception {
        ResumePlan p = ResumePlan.fromSealedOutput(new SpoolLayout(dir), Set.of());
        assertEquals(-1, p.resumeAt());
        assertFalse(p.alreadySealed("a", 0));
    }

    @Test
    void aStreamSealedJustBeforeTheCrashEntryStillGetsThatEntry() throws Exception {
        // entry 10 was written for stream a (and sealed) but the crash came before stream b's turn;
        // b's previous segment was sealed at 9, so b had no open segment and no temp file
        sealed("a", 10);
        sealed("b", 9);
        ResumePlan p = ResumePlan.fromSealedOutput(new SpoolLayout(dir), Set.of());
        assertEquals(10, p.resumeAt());
        assertTrue(p.alreadySealed("a", 10));
        assertFalse(p.alreadySealed("b", 10), "b's rows of entry 10 were never written");
        assertTrue(p.alreadySealed("b", 9));
        assertTrue(p.alreadySealed("c", 9), "a stream with no files and no temp had nothing before 10");
        assertFalse(p.alreadySealed("c", 10));
    }

    @Test
    void aDiscardedStreamResumesFromItsOwnPosition() throws Exception {
        sealed("a", 50);
        sealed("b", 20);
        ResumePlan p = ResumePlan.fromSealedOutput(new SpoolLayout(dir), Set.of("b"));
        assertEquals(21, p.resumeAt());
        assertFalse(p.alreadySealed("b", 21));
        assertTrue(p.alreadySealed("a", 49));
        assertTrue(p.alreadySealed("a", 50));
    }

    @Test
    void uploadedFilesCountAsSealed() throws Exception {
        SpoolLayout layout = new SpoolLayout(dir);
        SegmentName n = new SegmentName("a", 1, 2, 1, 10, 1, String.format("%020x", 7), 99);
        Path p = layout.uploadedPath(n);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
        assertTrue(ResumePlan.fromSealedOutput(layout, Set.of()).alreadySealed("a", 99));
    }

    @Test
    void eachLaneResumesFromItsOwnPosition() throws Exception {
        // two lanes: even entries in lane 0, odd in lane 1; lane 1 had fallen behind lane 0
        sealed("a", 10);
        sealed("a", 7);
        ResumePlan p = ResumePlan.fromSealedOutput(new SpoolLayout(dir), Set.of(), new Lanes(2));
        assertEquals(10, p.resumeAt(0));
        assertEquals(7, p.resumeAt(1));
        assertTrue(p.alreadySealed("a", 8));
        assertTrue(p.alreadySealed("a", 7));
        assertFalse(p.alreadySealed("a", 9), "lane 1 never wrote entry 9, though lane 0 sealed entry 10");
        assertFalse(p.alreadySealed("a", 12));
        assertTrue(p.alreadySealed("b", 8), "nothing of lane 0 before 10 is missing for a stream with no temp file");
        assertFalse(p.alreadySealed("b", 10));
        assertFalse(p.alreadySealed("b", 7), "entry 7, lane 1's highest, may have been written for stream a only");
        assertTrue(p.alreadySealed("b", 5));
    }

    @Test
    void aDiscardedStreamResumesFromItsOwnPositionInEveryLane() throws Exception {
        sealed("a", 40);
        sealed("a", 31);
        sealed("b", 20);
        ResumePlan p = ResumePlan.fromSealedOutput(new SpoolLayout(dir), Set.of("b"), new Lanes(2));
        assertEquals(21, p.resumeAt(0));
        assertEquals(-1, p.resumeAt(1), "b has nothing sealed from lane 1");
        assertTrue(p.alreadySealed("b", 20));
        assertFalse(p.alreadySealed("b", 22));
        assertFalse(p.alreadySealed("b", 1));
        assertTrue(p.alreadySealed("a", 29));
        assertTrue(p.alreadySealed("a", 38));
    }

    private static JournalProgress.Snapshot ledger(long[] complete, Object... streamAndIndexes) {
        Map<String, long[]> streams = new HashMap<>();
        for (int i = 0; i < streamAndIndexes.length; i += 2) streams.put((String) streamAndIndexes[i], (long[]) streamAndIndexes[i + 1]);
        return new JournalProgress.Snapshot(complete, streams);
    }

    private ResumePlan plan(JournalProgress.Snapshot ledger, Set<String> discarded) throws Exception {
        return ResumePlan.fromSealedOutput(new SpoolLayout(dir), ledger, discarded, new Lanes(2));
    }

    @Test
    void theLedgerKeepsTheResumePointWhenEveryFileIsGone() throws Exception {
        // uploaded with after: delete, or dropped by retention (uploaded/, or sealed/ under drop_oldest)
        ResumePlan p = plan(ledger(new long[] {-1, -1}, "a", new long[] {10, 7}), Set.of());
        assertEquals(10, p.resumeAt(0));
        assertEquals(7, p.resumeAt(1));
        assertTrue(p.alreadySealed("a", 10));
        assertTrue(p.alreadySealed("a", 7));
        assertFalse(p.alreadySealed("a", 9));
        assertTrue(p.alreadySealed("b", 8));
        assertEquals(-1, ResumePlan.fromSealedOutput(new SpoolLayout(dir), Set.of(), new Lanes(2)).resumeAt(0),
                "from names alone the whole journal would be replayed");
    }

    @Test
    void namesAheadOfTheLedgerCount() throws Exception {
        // a crash between the rename into sealed/ and the ledger write; and files deleted after an older write
        sealed("a", 12);
        ResumePlan p = plan(ledger(new long[] {-1, -1}, "a", new long[] {8, 11}), Set.of());
        assertEquals(12, p.resumeAt(0));
        assertEquals(11, p.resumeAt(1));
        assertTrue(p.alreadySealed("a", 12));
        assertTrue(p.alreadySealed("a", 11));
        assertFalse(p.alreadySealed("a", 13));
    }

    @Test
    void aDiscardedStreamResumesFromTheHigherOfLedgerAndNames() throws Exception {
        sealed("b", 14); // its file for 16 was deleted after the ledger recorded it
        ResumePlan p = plan(ledger(new long[] {-1, -1}, "a", new long[] {30, 31}, "b", new long[] {16, 9}), Set.of("b"));
        assertEquals(17, p.resumeAt(0));
        assertEquals(10, p.resumeAt(1));
        assertTrue(p.alreadySealed("b", 16));
        assertFalse(p.alreadySealed("b", 18));
        assertFalse(p.alreadySealed("b", 11));
        assertTrue(p.alreadySealed("a", 29));
    }

    @Test
    void aStreamWithNoFilesGetsNothingTheLanesCompleted() throws Exception {
        // routing.default_stream changed from a to obs between clean stops: a's last entries are complete
        sealed("a", 10);
        sealed("a", 9);
        ResumePlan p = plan(ledger(new long[] {10, 11}, "a", new long[] {10, 9}), Set.of());
        assertTrue(p.alreadySealed("obs", 10), "entry 10 was complete for every stream");
        assertTrue(p.alreadySealed("obs", 9));
        assertTrue(p.alreadySealed("obs", 11), "entry 11 had no rows for a, and lane 1 completed it");
        assertFalse(p.alreadySealed("obs", 12));
        assertFalse(p.alreadySealed("obs", 13));
        assertFalse(plan(ledger(new long[] {-1, -1}, "a", new long[] {10, 9}), Set.of()).alreadySealed("obs", 10),
                "without the complete mark, entry 10 would be sealed again for obs");
    }

    @Test
    void aDiscardedStreamHasEverythingTheLaneCompleted() throws Exception {
        // its temp file held entries after the complete mark only
        ResumePlan p = plan(ledger(new long[] {6, 5}, "a", new long[] {4, 3}), Set.of("a"));
        assertEquals(6, p.resumeAt(0), "entry 6 is read again and skipped for every stream");
        assertEquals(5, p.resumeAt(1));
        assertTrue(p.alreadySealed("a", 6));
        assertTrue(p.alreadySealed("a", 5));
        assertFalse(p.alreadySealed("a", 8));
        assertFalse(p.alreadySealed("a", 7));
    }

    @Test
    void aStreamDiscardedAtOneStartIsStillReplayedAtTheNextThoughItLeftNoTempFile() throws Exception {
        // CrashTest at load 28: stream odd sealed lane 1 through entry 11 while metrics (sealed through 3) held 9 and 11
        // in an open segment; killed; the next start discarded metrics' temp file and resumed lane 1 at 4; killed again
        // before lane 1 wrote metrics anything; the start after found no temp file of metrics, took it to have every
        // entry before 11, and the rows of entry 9 for metrics were never sealed
        SpoolConfig config = SpoolConfig.builder(dir).quality(1).build();
        Series series = Series.of("up", Labels.of("job", "node"));
        JournalFedSpool fed = JournalFedSpool.open(config, 2);
        try (Spool spool = fed.spool()) {
            fed.batch("metrics", 3, 1, sink -> sink.append(series, 1_763_773_200_003L, 3));
            fed.batch("odd", 11, 1, sink -> sink.append(series, 1_763_773_200_011L, 11));
            spool.sealAll();
        }
        Files.write(dir.resolve("active").resolve("metrics.0123456789abcdef0123.json.br.tmp"), new byte[] {1});
        for (int start = 1; start <= 3; start++) {
            fed = JournalFedSpool.open(config, 2);
            try (Spool spool = fed.spool()) {
                ResumePlan p = ResumePlan.fromSealedOutput(new SpoolLayout(dir), fed.progress(), spool.recovery().discardedStreams(),
                        new Lanes(2));
                assertEquals(4, p.resumeAt(1), "start " + start + ": " + p);
                assertFalse(p.alreadySealed("metrics", 9), "start " + start + ": " + p);
                assertTrue(p.alreadySealed("metrics", 3));
                assertTrue(p.alreadySealed("odd", 9));
            }
        }
    }
}
