package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each codec through the whole spool: write, flush, seal, read back, verify, salvage a torn temp file, catch a renamed one. */
class CodecTest {
    @TempDir Path dir;
    @TempDir Path scratch;

    static CodecSettings settings(Codec c) {
        return switch (c) {
            case BROTLI -> CodecSettings.brotli(1, 22);
            case ZSTD -> CodecSettings.zstd(3, 27);
            case GZIP -> CodecSettings.gzip(6);
        };
    }

    private static List<String> write(StreamWriter w, int from, int n) throws Exception {
        List<String> rows = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            String json = "{\"ts\":" + (T0 + i) + ",\"i\":" + i + ",\"pod\":\"pod-" + (i % 37) + "-\u00e9\",\"msg\":\""
                    + (i % 50 == 0 ? "x".repeat(5000) : "short") + "\"}";
            Fixtures.appendJson(w, json);
            rows.add(json);
        }
        return rows;
    }

    @ParameterizedTest
    @EnumSource(Codec.class)
    void aStreamIsWrittenInItsCodecAndEveryReaderReadsIt(Codec codec) throws Exception {
        List<String> expected = new ArrayList<>();
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).streamCodec("logs", settings(codec))
                .rotation(new Rotation(3_000, Long.MAX_VALUE, Duration.ofHours(1))).build())) {
            StreamWriter w = spool.writer("logs");
            expected.addAll(write(w, 0, 1_000));
            w.flush(); // a flush point inside a stream must not trouble any decoder
            expected.addAll(write(w, 1_000, 6_000));
            Fixtures.appendJson(spool.writer("other"), "{\"ts\":" + T0 + "}");
        }
        List<Path> files = Fixtures.sealedFiles(dir).stream().filter(p -> p.toString().contains("/logs/")).toList();
        assertTrue(files.size() >= 2, files.toString());
        List<String> read = new ArrayList<>();
        for (Path f : files) {
            SegmentName name = SegmentName.parse(f.getFileName().toString());
            assertEquals(codec, name.codec(), f.toString());
            assertTrue(f.toString().endsWith(codec.suffix()), f.toString());
            assertTrue(Verifier.verify(f).ok(), Verifier.verify(f).toString());
            SealTrailer.Check c = SealTrailer.check(f);
            assertTrue(c.ok(), c.toString());
            assertEquals(Files.size(f) - SealTrailer.size(codec), c.seal().prefixBytes());
            read.addAll(Fixtures.lines(f));
        }
        read.sort(null);
        List<String> want = new ArrayList<>(expected);
        want.sort(null);
        Fixtures.assertSameLines(want, read, "rows read back");
        assertEquals(expected.size(), Scanner.of(dir).scan(ScanQuery.builder().stream("logs").build(), r -> true).matched());
        assertTrue(Fixtures.sealedFiles(dir).stream().anyMatch(p -> p.toString().endsWith(".json.br")), "other stream stays Brotli");
    }

    @ParameterizedTest
    @EnumSource(Codec.class)
    void aTornTempFileIsSalvagedToItsLastCompleteLine(Codec codec) throws Exception {
        Path source = scratch.resolve("source");
        byte[] temp;
        List<String> flushed;
        try (Spool spool = Spool.open(Fixtures.config(source).shardsPerStream(1).streamCodec("logs", settings(codec)).build())) {
            StreamWriter w = spool.writer("logs");
            flushed = write(w, 0, 2_000);
            w.flush();
            write(w, 2_000, 3_000); // more than a block, unflushed: part of it may reach the file
            Path t = Fixtures.activeFiles(source).get(0);
            assertTrue(t.getFileName().toString().endsWith(codec.suffix() + ".tmp"), t.toString());
            temp = Files.readAllBytes(t);
        }
        for (int cut : new int[] {temp.length, temp.length - 1, temp.length * 2 / 3, 7}) {
            Path d = scratch.resolve("cut-" + cut);
            Path active = Files.createDirectories(d.resolve(SpoolLayout.ACTIVE));
            Files.write(active.resolve("logs.0192f3a4b5c6d7e8f9a0" + codec.suffix() + ".tmp"), Arrays.copyOf(temp, cut));
            try (Spool spool = Spool.open(Fixtures.config(d).build())) {
                RecoveryReport r = spool.recovery();
                assertEquals(0, r.filesQuarantined(), r.toString());
            }
            List<String> lines = Fixtures.allSealedLines(d);
            for (int i = 0; i < lines.size(); i++) {
                assertEquals("{\"ts\":" + (T0 + i), lines.get(i).substring(0, lines.get(i).indexOf(',')), "rows in order, none lost");
            }
            if (cut == temp.length) assertTrue(lines.size() >= flushed.size(), "a whole temp file gives back at least its flushed rows");
            for (Path f : Fixtures.sealedFiles(d)) {
                assertEquals(codec, SegmentName.parse(f.getFileName().toString()).codec(), "resealed in the codec it was written in");
                assertTrue(Verifier.verify(f).ok(), Verifier.verify(f).toString());
            }
        }
    }

    @Test
    void aFileWhoseSuffixAndContentDisagreeIsACodecMismatch() throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(dir).streamCodec("logs", settings(Codec.ZSTD)).build())) {
            write(spool.writer("logs"), 0, 100);
        }
        Path zst = Fixtures.sealedFiles(dir).get(0);
        Path asBrotli = Files.move(zst, zst.resolveSibling(zst.getFileName().toString().replace(".json.zst", ".json.br")));
        SealTrailer.Check c = SealTrailer.check(asBrotli);
        assertEquals(QuarantineReason.CODEC_MISMATCH, c.reason(), c.toString());
        assertTrue(c.problem().contains("zstd"), c.problem());
        assertEquals(QuarantineReason.CODEC_MISMATCH, Verifier.verify(asBrotli).reason());
        Path asGzip = Files.move(asBrotli, zst.resolveSibling(zst.getFileName().toString().replace(".json.zst", ".json.gz")));
        assertEquals(QuarantineReason.CODEC_MISMATCH, SealTrailer.readTrailer(asGzip).reason());
        try (Spool spool = Spool.open(Fixtures.config(dir).build())) {
            assertEquals(1, spool.recovery().filesQuarantined(), spool.recovery().toString());
        }
    }

    @Test
    void outOfRangeSettingsNameTheKnob() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CodecSettings.zstd(23, 0)).getMessage().startsWith("level"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CodecSettings.zstd(3, 28)).getMessage().startsWith("window"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CodecSettings.gzip(0)).getMessage().startsWith("level"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CodecSettings.brotli(12, 22)).getMessage().startsWith("level"));
        assertNotNull(Codec.ofConfigName("ZSTD"));
        assertEquals(null, Codec.ofConfigName("lz4"));
    }

    @ParameterizedTest
    @EnumSource(Codec.class)
    void theTrailerRoundTrips(Codec codec) {
        byte[] t = SealTrailer.encode(codec, 123_456_789L, 0xdeadbeef, 0x01020304);
        assertEquals(SealTrailer.size(codec), t.length);
        assertEquals(new SealTrailer.Seal(123_456_789L, 0xdeadbeef, 0x01020304), SealTrailer.decode(codec, t));
        assertArrayEquals(t, SealTrailer.encode(codec, 123_456_789L, 0xdeadbeef, 0x01020304));
        String text = new String(t, StandardCharsets.US_ASCII);
        assertTrue(text.contains("cistern-seal 1 prefix_bytes=0000000000123456789"), text);
    }
}
