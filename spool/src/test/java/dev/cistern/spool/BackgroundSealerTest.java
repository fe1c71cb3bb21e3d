package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seals run on the spool's sealing thread. A seal that fails (here: a plain file where the
 * stream's partition directory must go) is reported to the next writer call, and its rows stay
 * in active/ for recovery.
 */
class BackgroundSealerTest {
    @TempDir Path dir;

    private final Series series = Series.of("up", Labels.of("job", "node"));

    private Path blockSealing(String stream) throws Exception {
        Path blocker = dir.resolve("sealed").resolve(stream);
        Files.createDirectories(blocker.getParent());
        Files.write(blocker, new byte[] {1});
        return blocker;
    }

    private void rows(RowSink w, long from, int n) throws java.io.IOException {
        for (int i = 0; i < n; i++) w.append(series, T0 + from + i, i);
    }

    @Test
    void aFailedSealIsReportedOnceAndTheRowsAreRecoveredAtNextOpen() throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).rotation(Fixtures.NEVER.withMaxRows(10)).build())) {
            StreamWriter w = spool.writer("metrics");
            Path blocker = blockSealing("metrics");
            rows(w, 0, 10); // fills the segment: handed to the sealing thread, which fails
            assertThrows(SpoolWriteException.class, w::flush);
            assertEquals(1, spool.metrics().writeFailures());

            Files.delete(blocker);
            rows(w, 10, 10); // reported once: the writer goes on
            w.flush();
            assertEquals(1, Fixtures.sealedFiles(dir).size());
            assertEquals(1, Files.list(dir.resolve("active")).count(), "the failed segment stays for recovery");
        }
        try (Spool spool = Spool.open(Fixtures.config(dir).build())) {
            assertEquals(1, spool.recovery().tempFilesSalvaged());
            assertEquals(10, spool.recovery().rowsSalvaged());
            assertEquals(20, Scanner.of(dir).page(ScanQuery.all()).total());
        }
    }

    @Test
    void aJournalFedSpoolRefusesWritesUntilItsOpenSegmentsAreDiscarded() throws Exception {
        JournalFedSpool fed = JournalFedSpool.open(Fixtures.config(dir).rotation(Fixtures.NEVER.withMaxRows(10)).build(), 1);
        try (Spool spool = fed.spool()) {
            Path blocker = blockSealing("metrics");
            fed.batch("metrics", 7, 0, sink -> rows(sink, 0, 10));
            assertThrows(SpoolWriteException.class, spool::flush);
            assertEquals(7, fed.firstOpenJournalIndex(), "the failed segment's journal entry is still needed");

            // Sealed output must stay a prefix of the journal: nothing else is written, in any stream.
            Files.delete(blocker);
            assertThrows(SpoolWriteException.class, () -> fed.batch("other", 8, 0, sink -> sink.append(series, T0, 1)));
            assertThrows(SpoolWriteException.class, () -> fed.batch("metrics", 8, 0, sink -> sink.append(series, T0, 1)));
            assertTrue(Fixtures.sealedFiles(dir).isEmpty());

            assertEquals(Set.of("metrics"), fed.discardOpenSegments());
            assertEquals(SegmentName.NO_SOURCE, fed.firstOpenJournalIndex());
            fed.batch("metrics", 7, 0, sink -> rows(sink, 0, 10));
            spool.flush();
            assertEquals(1, Fixtures.sealedFiles(dir).size());
            assertEquals(7, SealedSegment.of(Fixtures.sealedFiles(dir).get(0)).name().source());
        }
    }

    @Test
    void aSourcedBatchThatFailsHalfwayLeavesNothingForTheTimerToSeal() throws Exception {
        Rotation byAge = Fixtures.NEVER.withMaxAge(Duration.ofMillis(100));
        JournalFedSpool fed = JournalFedSpool.open(Fixtures.config(dir).rotation(byAge).build(), 1);
        try (Spool spool = fed.spool()) {
            fed.batch("metrics", 3, 0, sink -> rows(sink, 0, 5));
            assertThrows(IllegalStateException.class, () -> fed.batch("metrics", 4, 0, sink -> {
                rows(sink, 5, 5);
                throw new IllegalStateException("entry 4 turned out damaged");
            }));
            Thread.sleep(600); // several rotation ticks past the segment's age
            assertTrue(Fixtures.sealedFiles(dir).isEmpty(), "half of entry 4 was sealed");
            // until the replay, entry 3 is needed (its journal cycle must stay) and nothing else is written
            assertEquals(3, fed.firstOpenJournalIndex(), "the given-up segment's entries look released");
            assertThrows(SpoolWriteException.class, fed::checkWrites);
            assertThrows(SpoolWriteException.class, () -> fed.batch("other", 5, 0, sink -> sink.append(series, T0, 1)));
            assertEquals(Set.of("metrics"), fed.discardOpenSegments(), "entry 3's rows are replayed");
            assertEquals(SegmentName.NO_SOURCE, fed.firstOpenJournalIndex());
            fed.checkWrites();
        }
    }
}
