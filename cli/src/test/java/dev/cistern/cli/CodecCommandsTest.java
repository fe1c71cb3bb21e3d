package dev.cistern.cli;

import static dev.cistern.cli.UploadCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cistern.cli.UploadCommandsTest.Run;
import dev.cistern.spool.Codec;
import dev.cistern.spool.CodecSettings;
import dev.cistern.spool.Labels;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.Series;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.spool.StreamWriter;
import dev.cistern.testkit.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: cat, stats, verify, upload, replay and bench write with zstd and gzip streams next to a Brotli one. */
class CodecCommandsTest {
    private static final long T0 = 1_763_773_200_000L; // 2025-11-22T01:00:00Z
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path spool;
    @TempDir Path target;

    /** Streams cost (Brotli), lake (zstd) and logs (gzip), 100 rows in each of two hours. */
    private void seal() throws Exception {
        try (Spool s = Spool.open(SpoolConfig.builder(spool).shardsPerStream(1).quality(1)
                .streamCodec("lake", CodecSettings.zstd(3, 0)).streamCodec("logs", CodecSettings.gzip(6)).build())) {
            for (String stream : List.of("cost", "lake", "logs")) {
                StreamWriter w = s.writer(stream);
                for (int hour = 0; hour < 2; hour++) {
                    for (int r = 0; r < 100; r++) {
                        w.append(Series.of("m", Labels.of("r", Integer.toString(r))), T0 + hour * 3_600_000L + r, r);
                    }
                    w.seal();
                }
            }
        }
    }

    private List<Path> sealed(Codec codec) throws Exception {
        try (Stream<Path> s = Files.walk(spool.resolve("sealed"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(codec.suffix())).sorted().toList();
        }
    }

    @Test
    void catStatsAndVerifyReadEveryCodec() throws Exception {
        seal();
        assertEquals(2, sealed(Codec.ZSTD).size());
        assertEquals(2, sealed(Codec.GZIP).size());
        Run cat = run("cat", spool.toString());
        assertEquals(0, cat.code(), cat.err());
        assertEquals(600, cat.out().lines().count());
        Run one = run("cat", sealed(Codec.ZSTD).get(0).toString());
        assertEquals(0, one.code(), one.err());
        assertEquals(100, one.out().lines().count());
        Run stats = run("stats", spool.toString(), "--json");
        assertEquals(0, stats.code(), stats.err());
        JsonNode s = JSON.readTree(stats.out());
        assertEquals(3, s.get("streams").size(), stats.out());
        assertEquals(600, s.get("total").get("rows").asLong());
        assertEquals(0, run("stats", spool.toString(), "--deep").code());
        assertEquals(0, run("verify", spool.toString()).code());

        Path gz = sealed(Codec.GZIP).get(0);
        Files.move(gz, gz.resolveSibling(SegmentName.parse(gz.getFileName().toString()).withCodec(Codec.ZSTD).fileName()));
        Run bad = run("verify", spool.toString());
        assertEquals(1, bad.code(), bad.out() + bad.err());
        assertTrue((bad.out() + bad.err()).contains("CODEC_MISMATCH"), bad.out() + bad.err());
    }

    @Test
    void uploadAndReplayShipEveryCodecAsItIs() throws Exception {
        seal();
        Run up = run("upload", spool.toString(), "--dest", target.toUri().toString(), "--once");
        assertEquals(0, up.code(), up.out() + up.err());
        List<String> keys = TestFiles.files(target);
        assertEquals(6, keys.size(), keys.toString());
        Path again = target.resolveSibling(target.getFileName() + "-again");
        Run r = run("replay", spool.toString(), "--stream", "lake", "--from", "2025-11-22T00:00:00Z", "--to", "2025-11-23T00:00:00Z",
                "--dest", again.toUri().toString());
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> replayed = TestFiles.files(again);
        assertEquals(2, replayed.size(), replayed.toString());
        assertTrue(replayed.stream().allMatch(k -> k.startsWith("lake/") && k.endsWith(".json.zst")), replayed.toString());
    }

    @Test
    void benchWriteTakesACodecAndRefusesABadOne() throws Exception {
        Path corpus = target.resolve("small.prom");
        Files.writeString(corpus, "http_requests_total{code=\"200\",path=\"/a\"} 10\ntemperature_celsius{room=\"lab\"} 21.5\n");
        Path out = target.resolve("bench");
        Run ok = run("bench", "write", "--corpus", corpus.toString(), "--rows", "20000", "--warmup-rows", "0", "--codec", "zstd",
                "--level", "5", "--long", "24", "--out", out.toString());
        assertEquals(0, ok.code(), ok.err());
        String[] lines = ok.out().strip().split("\n");
        JsonNode result = JSON.readTree(lines[lines.length - 1]);
        assertEquals("zstd", result.get("codec").asText());
        assertEquals(5, result.get("level").asInt());
        assertEquals(24, result.get("codec_window").asInt());
        assertTrue(result.get("decode_mb_per_cpu_s").asDouble() > 0, result.toString());
        try (Stream<Path> s = Files.walk(out)) {
            assertTrue(s.anyMatch(p -> p.toString().endsWith(".json.zst")), "sealed as zstd");
        }
        Run unknown = run("bench", "write", "--corpus", corpus.toString(), "--codec", "lz4", "--out", target.resolve("x").toString());
        assertNotEquals(0, unknown.code());
        assertTrue(unknown.err().contains("--codec"), unknown.err());
        Run level = run("bench", "write", "--corpus", corpus.toString(), "--codec", "gzip", "--level", "10",
                "--out", target.resolve("y").toString());
        assertNotEquals(0, level.code());
        assertTrue(level.err().contains("--level") && level.err().contains("1-9"), level.err());
    }
}
