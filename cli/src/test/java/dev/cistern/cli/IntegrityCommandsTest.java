package dev.cistern.cli;

import static dev.cistern.testkit.Times.HOUR;
import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.cli.UploadCommandsTest.Run;
import dev.cistern.spool.Labels;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.Series;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.spool.StreamWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cistern verify} and {@code cistern stats --deep} on spools whose files were damaged after sealing. */
class IntegrityCommandsTest {
    @TempDir Path spool;

    private List<SealedSegment> seal(int segments, int rows) throws Exception {
        try (Spool s = Spool.open(SpoolConfig.builder(spool).shardsPerStream(1).quality(1).build())) {
            StreamWriter w = s.writer("metrics");
            for (int i = 0; i < segments; i++) {
                Series series = Series.of("m", Labels.of("i", Integer.toString(i)));
                for (int r = 0; r < rows; r++) w.append(series, T0 + i * HOUR + r * 1000L, r);
                w.seal();
            }
        }
        return Scanner.of(spool).segments(ScanQuery.all());
    }

    @Test
    void statsDeepCountsFromContentAndAgreesOnASoundSpool() throws Exception {
        seal(3, 40);
        Run r = UploadCommandsTest.run("stats", spool.toString(), "--deep");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("AGREE: names say 120 rows"), r.out());
        assertTrue(r.out().contains("content has 120 readable rows"), r.out());
    }

    @Test
    void statsDeepAndVerifyNameAFileWhoseNameOverstatesItsContent() throws Exception {
        List<SealedSegment> segs = seal(2, 40);
        // A file renamed to claim more rows than it holds: names say 140, content has 80.
        SegmentName n = segs.get(0).name();
        SegmentName lying = new SegmentName(n.stream(), n.minTs(), n.maxTs(), n.rows() + 60, n.rawBytes(), n.format(), n.id());
        Path moved = segs.get(0).path().resolveSibling(lying.fileName());
        Files.move(segs.get(0).path(), moved);
        Run names = UploadCommandsTest.run("stats", spool.toString());
        assertTrue(names.out().contains(" 140 "), names.out());
        Run deep = UploadCommandsTest.run("stats", spool.toString(), "--deep");
        assertEquals(1, deep.code(), deep.out());
        assertTrue(deep.out().contains("DISAGREES " + spool.relativize(moved) + ": CONTENT_MISMATCH: name says 100 rows, file has 40"),
                deep.out());
        assertTrue(deep.out().contains("DISAGREE: names say 140 rows"), deep.out());
        assertTrue(deep.out().contains("content has 80 readable rows"), deep.out());
    }

    @Test
    void verifyAndStatsDeepReportAFlippedBitAsAChecksumMismatch() throws Exception {
        List<SealedSegment> segs = seal(2, 40);
        Path victim = segs.get(1).path();
        byte[] b = Files.readAllBytes(victim);
        b[b.length / 3] ^= 0x10;
        Files.write(victim, b);
        Run v = UploadCommandsTest.run("verify", spool.toString());
        assertEquals(1, v.code(), v.out());
        assertTrue(v.out().contains("BAD " + spool.relativize(victim) + ": CHECKSUM_MISMATCH"), v.out());
        Run deep = UploadCommandsTest.run("stats", spool.toString(), "--deep");
        assertEquals(1, deep.code(), deep.out());
        assertTrue(deep.out().contains("DISAGREES " + spool.relativize(victim) + ": CHECKSUM_MISMATCH"), deep.out());
    }
}
