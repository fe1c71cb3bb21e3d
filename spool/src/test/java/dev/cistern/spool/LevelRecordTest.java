package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each sealed file records the quality it was compressed at; readers that predate the record still check and decode it. */
class LevelRecordTest {
    @TempDir Path dir;

    @Test
    void everySegmentRecordsTheQualityItOpenedWithAndStillVerifies() throws Exception {
        AtomicLong behind = new AtomicLong();
        AtomicLong now = new AtomicLong();
        AdaptiveLevel level = new AdaptiveLevel(2, 7, behind::get, 10, 100, now::get);
        try (Spool spool = Spool.open(SpoolConfig.builder(dir).shardsPerStream(1).adaptive(level).build())) {
            StreamWriter w = spool.writer("m");
            for (int i = 0; i < 6; i++) { // the backlog over the high mark: one level down per second
                w.append(Series.of("up", Labels.of("i", Integer.toString(i))), 1_700_000_000_000L + i, i);
                w.seal();
                behind.set(1_000);
                now.addAndGet(AdaptiveLevel.DECIDE_EVERY);
            }
            assertEquals(1, spool.metrics().segmentsSealedAt(7));
            assertEquals(1, spool.metrics().segmentsSealedAt(2));
        }
        List<SealedSegment> files = Scanner.of(dir).segments(ScanQuery.all());
        assertEquals(6, files.size());
        QualityMix mix = QualityMix.of(Scanner.of(dir));
        assertEquals(List.of(2, 3, 4, 5, 6, 7), List.copyOf(mix.of("m").keySet()), mix.toString());
        assertEquals("2-7", QualityMix.describe(mix.total()));
        for (SealedSegment s : files) {
            assertTrue(Verifier.verify(s.path()).ok(), "trailer, prefix CRC and content agree: " + s.path());
            assertTrue(SealTrailer.readTrailer(s.path()).ok());
        }
    }
}
