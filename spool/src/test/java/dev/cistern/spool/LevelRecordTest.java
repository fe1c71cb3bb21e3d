package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each sealed file records the codec level it was compressed at, for every codec; readers that predate the record
 * still check and decode the file, and a stream that set its level keeps it while the others adapt.
 */
class LevelRecordTest {
    @TempDir Path dir;
    private final AtomicLong behind = new AtomicLong();
    private final AtomicLong now = new AtomicLong();

    private AdaptiveLevel level(int min, int max) {
        return new AdaptiveLevel(min, max, behind::get, 10, 100, now::get);
    }

    @Test
    void everySegmentRecordsTheLevelItOpenedWithAndStillVerifies() throws Exception {
        SpoolConfig config = SpoolConfig.builder(dir).shardsPerStream(1)
                .adaptive(LevelPolicy.of(level(2, 7), level(1, 9), level(1, 6)))
                .streamCodec("z", CodecSettings.zstd(3, 0)).streamCodec("g", CodecSettings.gzip(6))
                .streamCodec("f", CodecSettings.zstd(3, 0)).fixedLevel("f").build();
        List<String> streams = List.of("m", "z", "g", "f");
        try (Spool spool = Spool.open(config)) {
            for (int i = 0; i < 6; i++) { // the backlog over the high mark: one level down per second
                for (String s : streams) {
                    StreamWriter w = spool.writer(s);
                    w.append(Series.of("up", Labels.of("i", Integer.toString(i))), 1_700_000_000_000L + i, i);
                    w.seal();
                }
                behind.set(1_000);
                now.addAndGet(AdaptiveLevel.DECIDE_EVERY);
            }
            SpoolMetrics m = spool.metrics();
            assertEquals(1, m.segmentsSealedAt(Codec.BROTLI, 7));
            assertEquals(1, m.segmentsSealedAt(Codec.BROTLI, 2));
            assertEquals(1, m.segmentsSealedAt(Codec.ZSTD, 9));
            assertEquals(1, m.segmentsSealedAt(Codec.ZSTD, 4));
            assertEquals(6, m.segmentsSealedAt(Codec.ZSTD, 3), "stream f keeps its level 3");
            assertEquals(1, m.segmentsSealedAt(Codec.GZIP, 6));
            assertEquals(1, m.segmentsSealedAt(Codec.GZIP, 1));
        }
        List<SealedSegment> files = Scanner.of(dir).segments(ScanQuery.all());
        assertEquals(24, files.size());
        QualityMix mix = QualityMix.of(Scanner.of(dir));
        assertEquals("brotli 2-7", QualityMix.describe(mix.of("m")));
        assertEquals("zstd 4-9", QualityMix.describe(mix.of("z")));
        assertEquals("gzip 1-6", QualityMix.describe(mix.of("g")));
        assertEquals("zstd 3", QualityMix.describe(mix.of("f")));
        assertEquals("brotli 2-7 zstd 3-9 gzip 1-6", QualityMix.describe(mix.total()));
        for (SealedSegment s : files) {
            assertTrue(Verifier.verify(s.path()).ok(), "trailer, prefix CRC and content agree: " + s.path());
            assertTrue(SealTrailer.readTrailer(s.path()).ok());
        }
    }

    @Test
    void aFileWithoutARecordReadsAsUnknownAndDamagedRecordsAreNotTakenForOne() throws Exception {
        for (Codec c : Codec.values()) {
            CodecSettings s = new CodecSettings(c, c == Codec.BROTLI ? 5 : 3, c == Codec.BROTLI ? 22 : 0);
            byte[] record = LevelRecord.encode(s);
            assertEquals(LevelRecord.size(c), record.length, c + ": every level and window have two digits");
            assertEquals(s.level(), LevelRecord.decode(c, record));
            byte[] flipped = record.clone();
            flipped[0] ^= 1;
            assertEquals(LevelRecord.UNKNOWN, LevelRecord.decode(c, flipped), c + ": its frame one bit off");
            Codec other = c == Codec.BROTLI ? Codec.ZSTD : Codec.BROTLI;
            assertEquals(LevelRecord.UNKNOWN, LevelRecord.decode(other, record), c + " read as " + other);
        }
        Path short1 = Files.write(dir.resolve("x.json.br"), new byte[] {1, 2, 3});
        assertEquals(LevelRecord.UNKNOWN, LevelRecord.read(short1));
    }
}
