package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every sealed file must decode with the reference `brotli` tool, with no Cistern code, to JSON lines. */
class BrotliCliInteropTest {
    private static Path brotli;

    @TempDir Path dir;
    @TempDir Path scratch;

    @BeforeAll
    static void findBrotli() {
        brotli = Fixtures.onPath("brotli");
        if (brotli == null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("the brotli command-line tool is not on PATH; under CI this test must run (.ci/run installs it)");
            }
            Assumptions.abort("brotli command-line tool not installed: skipping the interop test (it fails under CI=true)");
        }
    }

    /** Writes rows that stress the encoder: escapes, unicode, special doubles, generic JSON, big rows. */
    private static void writeAwkwardRows(StreamWriter w, int n) throws Exception {
        Series[] series = {
                Series.of("plain_total", Labels.of("job", "node")),
                Series.of("quotes\"and\\slashes", Labels.of("path", "C:\\temp\\\"x\"", "ctl", "tab\tnl\ncr\r\u0001")),
                Series.of("unicode_\u00e9\u65e5\ud83d\ude00", Labels.of("\u00fcber", "\u4e2d\u6587", "emoji", "\ud83d\udd25")),
                Series.of("no_labels", Labels.EMPTY),
        };
        double[] values = {0, -0.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300, 1e300,
                0.1 + 0.2, Long.MAX_VALUE, -123456789.125};
        for (int i = 0; i < n; i++) {
            w.append(series[i % series.length], T0 + i, values[i % values.length]);
            if (i % 97 == 0) {
                Fixtures.appendJson(w, "{\n  \"ts\": " + (T0 + i) + ",\n  \"msg\": \"pretty\\nprinted \u00e9\",\r\n  \"a\": [1, {\"b\": null}]\n}");
            }
            if (i % 101 == 0) {
                int k = i;
                w.appendObject(T0 + i, g -> {
                    g.writeNumberField("ts", T0 + k);
                    g.writeStringField("big", "row " + k + " ".repeat(20_000));
                    g.writeNumberField("d", 1.0 / (k + 3));
                });
            }
        }
    }

    @Test
    void everySealedFileDecodesWithTheBrotliTool() throws Exception {
        int[][] qualityWindow = {{0, 10}, {1, 16}, {1, 22}, {4, 22}, {5, 24}, {9, 18}, {11, 20}};
        for (int[] qw : qualityWindow) {
            String stream = "q" + qw[0] + "-w" + qw[1];
            try (Spool spool = Spool.open(SpoolConfig.builder(dir).quality(qw[0]).window(qw[1]).shardsPerStream(2)
                    .rotation(new Rotation(1_500, 256 << 10, Duration.ofHours(1))).build())) {
                writeAwkwardRows(spool.writer(stream), qw[0] >= 9 ? 1_000 : 4_000);
                spool.flush(); // a flush point inside the stream must not trouble any decoder
                writeAwkwardRows(spool.writer(stream), 300);
            }
        }
        // A salvaged segment too: recovery writes it through the same encoder.
        writeSalvagedSegment();

        List<Path> files = Fixtures.sealedFiles(dir);
        assertTrue(files.size() > qualityWindow.length * 2, "expected several files per setting, got " + files.size());
        long rows = 0;
        for (Path f : files) rows += checkWithBrotliTool(f);
        assertTrue(rows > 20_000, "rows checked: " + rows);
    }

    private void writeSalvagedSegment() throws Exception {
        Path other = scratch.resolve("source");
        byte[] temp;
        try (Spool spool = Spool.open(Fixtures.config(other).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("salvaged");
            writeAwkwardRows(w, 2_000);
            w.flush();
            Path t = Fixtures.activeFiles(other).get(0);
            temp = Files.readAllBytes(t);
        }
        Path active = dir.resolve(SpoolLayout.ACTIVE);
        Files.createDirectories(active);
        Files.write(active.resolve("salvaged.0192f3a4b5c6d7e8f9a0" + SpoolLayout.TEMP_SUFFIX), Arrays.copyOf(temp, temp.length * 2 / 3));
        try (Spool spool = Spool.open(Fixtures.config(dir).build())) {
            assertEquals(1, spool.recovery().tempFilesSalvaged(), spool.recovery().toString());
        }
    }

    /** Decodes with `brotli -d -c`, checks every line is a JSON object and the name's counts; returns the rows. */
    private long checkWithBrotliTool(Path file) throws Exception {
        SegmentName name = SegmentName.parse(file.getFileName().toString());
        Path out = scratch.resolve("decoded-" + file.getFileName());
        Path err = scratch.resolve("stderr");
        Process p = new ProcessBuilder(brotli.toString(), "-d", "-c", file.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "brotli did not finish on " + file);
        assertEquals(0, p.exitValue(), () -> "brotli -d failed on " + file + ": " + readQuietly(err));

        byte[] decoded = Files.readAllBytes(out);
        Files.delete(out);
        assertEquals(name.rawBytes(), decoded.length, file + ": uncompressed size in the name");
        assertTrue(decoded.length > 0 && decoded[decoded.length - 1] == '\n', file + ": last line must end with a newline");
        String text = new String(decoded, StandardCharsets.UTF_8);
        assertArrayEquals(decoded, text.getBytes(StandardCharsets.UTF_8), file + ": not valid UTF-8");
        List<String> lines = new ArrayList<>(Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1)));
        assertEquals(name.rows(), lines.size(), file + ": row count in the name");
        for (String line : lines) {
            JsonNode row = Fixtures.parse(line);
            assertTrue(row.isObject(), file + ": not an object: " + Fixtures.clip(line));
            JsonNode ts = row.get("ts");
            assertTrue(ts != null && ts.isIntegralNumber(), file + ": no integral ts: " + Fixtures.clip(line));
            assertTrue(ts.asLong() >= name.minTs() && ts.asLong() <= name.maxTs(), file + ": ts outside the name's range");
        }
        Fixtures.assertSameLines(lines, Fixtures.lines(file), file + ": brotli and SegmentDecoder disagree");
        return lines.size();
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "(no stderr: " + e + ")";
        }
    }
}
