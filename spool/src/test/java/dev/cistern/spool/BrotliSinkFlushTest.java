package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Brotli flush must leave a stream that decodes to its last row. At quality 4 and up, a flush just past a
 * multiple of 16 MiB of input used to stop short of the end of the encoder's output (one more push owed 11-13
 * bytes): every segment rotated at 16 or 64 MiB (the default rotate_bytes) was sealed undecodable, and a temp
 * file flushed there could not be salvaged to its flushed rows.
 */
class BrotliSinkFlushTest {
    private static final Series SERIES = Series.of("container_cpu_usage_seconds_total",
            Labels.of("namespace", "shop", "pod", "cart-7d9f8b6c5d-x2x4z", "container", "cart", "node", "ip-10-0-12-34"));

    @TempDir Path dir;

    @Test
    void segmentsRotatedAtMultiplesOf16MiBDecodeWhole() throws Exception {
        long rows = 0;
        try (Spool spool = Spool.open(SpoolConfig.builder(dir).quality(5).shardsPerStream(1)
                .rotation(new Rotation(Long.MAX_VALUE, 16L << 20, Duration.ofHours(1))).build())) {
            StreamWriter w = spool.writer("metrics");
            for (; rows < 300_000; rows++) w.append(SERIES, T0 + rows, rows * 0.25);
        }
        List<Path> files = Fixtures.sealedFiles(dir);
        assertTrue(files.size() >= 3, "rotated at 16 MiB: " + files);
        long decoded = 0;
        for (Path f : files) {
            Verifier.Result v = Verifier.verify(f);
            assertTrue(v.ok(), f.getFileName() + ": " + v.problem());
            decoded += Fixtures.lines(f).size();
            Path brotli = Fixtures.onPath("brotli");
            if (brotli != null) {
                Process p = new ProcessBuilder(brotli.toString(), "-t", f.toString()).redirectErrorStream(true).start();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "brotli -t " + f.getFileName() + ": "
                        + new String(p.getInputStream().readAllBytes()));
            }
        }
        assertEquals(rows, decoded);
    }

    @Test
    void aFlushJustPast16MiBLeavesEveryRowReadable() throws Exception {
        try (Spool spool = Spool.open(SpoolConfig.builder(dir).quality(5).shardsPerStream(1).rotation(Fixtures.NEVER).build())) {
            StreamWriter w = spool.writer("metrics");
            String pad = "p".repeat(180);
            long line = ("{\"ts\":" + T0 + ",\"msg\":\"" + pad + "\"}\n").length(); // every row the same length
            long rows = ((16L << 20) + 100) / line + 1; // just past 16 MiB
            for (long i = 0; i < rows; i++) Fixtures.appendJson(w, "{\"ts\":" + (T0 + i) + ",\"msg\":\"" + pad + "\"}");
            long raw = rows * line;
            spool.flush();
            List<Path> temps = Fixtures.activeFiles(dir);
            assertEquals(1, temps.size(), temps.toString());
            assertEquals(rows, Fixtures.readablePrefixLines(temps.get(0)).size(), "rows readable after the flush at " + raw + " bytes");
        }
    }
}
