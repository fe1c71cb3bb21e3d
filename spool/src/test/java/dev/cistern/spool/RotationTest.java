package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotationTest {
    @TempDir Path dir;

    private final Series series = Series.of("node_cpu_seconds_total", Labels.of("cpu", "0", "mode", "idle"));

    @Test
    void sealsWhenRowLimitReached() throws Exception {
        List<SealedSegment> sealed = new CopyOnWriteArrayList<>();
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1)
                .rotation(Fixtures.NEVER.withMaxRows(100)).build())) {
            spool.onSealed(sealed::add);
            StreamWriter w = spool.writer("metrics");
            for (int i = 0; i < 250; i++) w.append(series, T0 + i, i);

            // Two full segments sealed while writing (on the sealing thread: flush waits for it),
            // and the third still open.
            w.flush();
            assertEquals(2, sealed.size());
            assertEquals(2, Fixtures.sealedFiles(dir).size());
            for (SealedSegment s : sealed) assertEquals(100, s.name().rows());
            assertEquals(T0, sealed.get(0).name().minTs());
            assertEquals(T0 + 99, sealed.get(0).name().maxTs());
            assertEquals(T0 + 100, sealed.get(1).name().minTs());
        }
        assertEquals(3, sealed.size());
        assertEquals(50, sealed.get(2).name().rows());
        for (Path f : Fixtures.sealedFiles(dir)) assertTrue(Verifier.verify(f).ok(), () -> Verifier.verify(f).problem());
    }

    @Test
    void sealsWhenByteLimitReached() throws Exception {
        long maxBytes = 10_000;
        List<SealedSegment> sealed = new CopyOnWriteArrayList<>();
        // in arrival order, the size is exact; a block of samples held back counts by estimate (below)
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).seriesBlockRows(0)
                .rotation(Fixtures.NEVER.withMaxBytes(maxBytes)).build())) {
            spool.onSealed(sealed::add);
            StreamWriter w = spool.writer("metrics");
            // Same digit counts in every row, so every row has the same size.
            for (int i = 0; i < 1000; i++) w.append(series, T0 + 1000 + i, 1.5);
        }
        long rowBytes = ("{\"name\":\"node_cpu_seconds_total\",\"ts\":" + (T0 + 1000)
                + ",\"value\":1.5,\"labels\":{\"cpu\":\"0\",\"mode\":\"idle\"}}\n").length();
        long rowsPerFile = (maxBytes + rowBytes - 1) / rowBytes; // the row that crosses the limit seals
        assertTrue(sealed.size() > 5, "expected many files, got " + sealed.size());
        long total = 0;
        for (int i = 0; i < sealed.size(); i++) {
            SegmentName n = sealed.get(i).name();
            total += n.rows();
            assertEquals(n.rows() * rowBytes, n.rawBytes(), n.toString());
            if (i < sealed.size() - 1) assertEquals(rowsPerFile, n.rows(), n.toString());
            else assertTrue(n.rows() <= rowsPerFile, n.toString());
            Verifier.Result r = Verifier.verify(sealed.get(i).path());
            assertTrue(r.ok(), r::problem);
        }
        assertEquals(1000, total);
    }

    @Test
    void samplesHeldBackCountTowardsTheByteLimitByEstimate() throws Exception {
        long maxBytes = 10_000;
        List<SealedSegment> sealed = new CopyOnWriteArrayList<>();
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1)
                .rotation(Fixtures.NEVER.withMaxBytes(maxBytes)).build())) {
            spool.onSealed(sealed::add);
            StreamWriter w = spool.writer("metrics");
            for (int i = 0; i < 1000; i++) w.append(series, T0 + 1000 + i, 1.5);
        }
        long total = 0;
        for (int i = 0; i < sealed.size(); i++) {
            SegmentName n = sealed.get(i).name();
            total += n.rows();
            // the estimate is a few bytes a row over: a file ends near the limit, never a block past it
            assertTrue(n.rawBytes() <= maxBytes, n.toString());
            if (i < sealed.size() - 1) assertTrue(n.rawBytes() > maxBytes * 9 / 10, n.toString());
        }
        assertTrue(sealed.size() > 5, "expected many files, got " + sealed.size());
        assertEquals(1000, total);
    }

    @Test
    void timerSealsQuietSegmentAfterMaxAge() throws Exception {
        List<SealedSegment> sealed = new CopyOnWriteArrayList<>();
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(2)
                .rotation(Fixtures.NEVER.withMaxAge(Duration.ofMillis(200))).build())) {
            spool.onSealed(sealed::add);
            StreamWriter w = spool.writer("quiet");
            for (int i = 0; i < 3; i++) w.append(series, T0 + i, i);
            // No more appends, no flush, no close: only the timer can seal this.
            awaitSealedRows(sealed, 3);
            assertEquals(3, Fixtures.lines(sealed.get(0).path()).size());
            assertTrue(Fixtures.activeFiles(dir).isEmpty(), "temp file left after the timer sealed");

            // The writer goes on into a fresh segment, which the timer seals too.
            w.append(series, T0 + 10, 10);
            awaitSealedRows(sealed, 4);
        }
        assertEquals(4, sealed.stream().mapToLong(s -> s.name().rows()).sum());
    }

    private static void awaitSealedRows(List<SealedSegment> sealed, long rows) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (sealed.stream().mapToLong(s -> s.name().rows()).sum() < rows) {
            if (System.nanoTime() > deadline) throw new AssertionError("timer did not seal " + rows + " rows within 30 s: " + sealed);
            Thread.sleep(20);
        }
    }

    @Test
    void closeSealsOpenSegmentsAndLeavesNoTempFiles() throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(3).build())) {
            StreamWriter w = spool.writer("metrics");
            for (int i = 0; i < 10; i++) w.append(series, T0 + i, i);
            assertTrue(Fixtures.sealedFiles(dir).isEmpty(), "nothing should seal before a limit is reached");
        }
        assertTrue(Fixtures.activeFiles(dir).isEmpty());
        assertEquals(10, Fixtures.allSealedLines(dir).size());
    }

    @Test
    void rejectsLimitsThatCouldNeverSeal() {
        assertThrows(IllegalArgumentException.class, () -> new Rotation(0, 1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Rotation(1, 0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Rotation(1, 1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new Rotation(1, 1, Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> new Rotation(1, 1, null));
    }
}
