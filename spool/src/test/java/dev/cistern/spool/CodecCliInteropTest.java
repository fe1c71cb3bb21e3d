package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every sealed zstd and gzip file decodes with the reference tool ({@code zstd -d}, {@code gzip -d}), trailer
 * and all, to exactly the bytes Cistern reads, and the tool's own integrity test passes. Brotli: BrotliCliInteropTest.
 */
class CodecCliInteropTest {
    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"ZSTD", "GZIP"})
    void everySealedFileDecodesWithTheReferenceTool(Codec codec) throws Exception {
        String tool = codec.configName();
        Path exe = Fixtures.onPath(tool);
        if (exe == null) {
            if ("true".equals(System.getenv("CI"))) fail(tool + " is not on PATH; under CI this test must run (.ci/run installs it)");
            Assumptions.abort(tool + " not installed: skipping (it fails under CI=true)");
        }
        CodecSettings[] settings = codec == Codec.ZSTD
                ? new CodecSettings[] {CodecSettings.zstd(1, 0), CodecSettings.zstd(3, 27), CodecSettings.zstd(19, 20)}
                : new CodecSettings[] {CodecSettings.gzip(1), CodecSettings.gzip(6), CodecSettings.gzip(9)};
        for (CodecSettings s : settings) {
            String stream = tool + "-" + s.level() + "-" + s.window();
            try (Spool spool = Spool.open(SpoolConfig.builder(dir).shardsPerStream(2).streamCodec(stream, s)
                    .rotation(new Rotation(1_500, 256 << 10, Duration.ofHours(1))).build())) {
                StreamWriter w = spool.writer(stream);
                for (int i = 0; i < 4_000; i++) {
                    w.append(Series.of("unicode_\u00e9\u65e5", Labels.of("pod", "p" + (i % 31), "q", "\"\\\t")), T0 + i, i * 0.5);
                    if (i == 1_000) w.flush();
                }
            }
        }
        List<Path> files = Fixtures.sealedFiles(dir);
        assertTrue(files.size() >= settings.length * 2, files.toString());
        for (Path f : files) {
            assertTrue(f.toString().endsWith(codec.suffix()), f.toString());
            byte[] decoded = run(exe.toString(), "-d", "-c", f.toString());
            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            Scanner.lines(f, (b, off, len) -> {
                ours.write(b, off, len);
                ours.write('\n');
            });
            assertArrayEquals(ours.toByteArray(), decoded, f + ": " + tool + " -d and Cistern disagree");
            assertEquals(SegmentName.parse(f.getFileName().toString()).rawBytes(), decoded.length, f + ": size in the name");
            run(exe.toString(), "-t", f.toString());
        }
    }

    private static byte[] run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed: " + err);
        return out;
    }
}
