package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sealed files hold UTF-8 JSON objects, one a line, and rows name sane partitions: what the spool refuses and verify reports. */
class StrictContentTest {
    @TempDir Path dir;

    /**
     * A sealed file whose name agrees with its content, so only the content can be wrong. Format 1
     * (no seal trailer): the encoder here ends its own stream, and content checks are what is tested.
     */
    private Path sealed(byte[] content) throws Exception {
        Brotli4jLoader.ensureAvailability();
        long rows = 0;
        for (byte c : content) if (c == '\n') rows++;
        SegmentName name = new SegmentName("metrics", T0, T0, rows, content.length, SealTrailer.SINCE_FORMAT - 1,
                SegmentName.newId(T0));
        Path f = dir.resolve(name.fileName());
        Files.write(f, Encoder.compress(content, Encoder.Parameters.create(5)));
        return f;
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (Object p : parts) o.writeBytes(p instanceof byte[] b ? b : ((String) p).getBytes(StandardCharsets.UTF_8));
        return o.toByteArray();
    }

    @Test
    void verifyFailsOnLinesThatAreNotUtf8JsonObjects() throws Exception {
        String good = "{\"ts\":" + T0 + ",\"a\":1}\n";
        assertTrue(Verifier.verify(sealed(bytes(good, good))).ok(), "the control file is sound");
        List<byte[]> bad = List.of(
                bytes(good, "{\"a\":\"x\0y\"}\n"),                                        // a NUL byte
                bytes(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, good),          // a UTF-8 BOM
                bytes(good, new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, 0x28, '"', '}', '\n'}), // invalid UTF-8
                bytes(good, "[1,2]\n"),                                                   // not an object
                bytes("{\"a\":1}".getBytes(StandardCharsets.UTF_16LE), "\n"),             // UTF-16 without a BOM
                bytes(new byte[] {(byte) 0xff, (byte) 0xfe}, "{\"a\":1}".getBytes(StandardCharsets.UTF_16LE), "\n"));
        for (byte[] content : bad) {
            Verifier.Result r = Verifier.verify(sealed(content));
            assertFalse(r.ok(), () -> "verify passed " + new String(content, StandardCharsets.ISO_8859_1));
            assertTrue(r.problem().contains("not JSON objects"), r.problem());
        }
    }

    @Test
    void jsonLinesNamesTheEncodingItFound() {
        assertTrue(refused(bytes(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, "{}")).getMessage().contains("UTF-8 (EF BB BF)"));
        assertTrue(refused(bytes(new byte[] {(byte) 0xfe, (byte) 0xff, 0, '{', 0, '}'})).getMessage().contains("UTF-16BE"));
        assertTrue(refused(bytes(new byte[] {(byte) 0xff, (byte) 0xfe}, "{}".getBytes(StandardCharsets.UTF_16LE))).getMessage()
                .contains("UTF-16LE"));
        assertTrue(refused(bytes(new byte[] {0, 0, (byte) 0xfe, (byte) 0xff}, "{}")).getMessage().contains("UTF-32BE"));
        InvalidRowException nul = refused("{}".getBytes(StandardCharsets.UTF_16BE));
        assertEquals("bad_encoding", nul.reason());
        assertTrue(nul.getMessage().contains("NUL byte"), nul.getMessage());
    }

    @Test
    void depthIsLimitedWhenAsked() {
        byte[] deep = bytes("{\"a\":" + "[".repeat(70) + "]".repeat(70) + "}");
        JsonLines.validate(deep, 0, deep.length, 0); // no limit but Jackson's
        InvalidRowException e = assertThrows(InvalidRowException.class, () -> JsonLines.validate(deep, 0, deep.length, 0, 64));
        assertEquals("too_deep", e.reason());
        byte[] ok = bytes("{\"a\":" + "[".repeat(63) + "]".repeat(63) + "}");
        JsonLines.validate(ok, 0, ok.length, 0, 64);
        byte[] deepTs = bytes("{\"ts\":" + "{\"x\":".repeat(64) + "1" + "}".repeat(64) + "}");
        assertThrows(InvalidRowException.class, () -> JsonLines.validate(deepTs, 0, deepTs.length, 0, 64));
    }

    private static InvalidRowException refused(byte[] line) {
        return assertThrows(InvalidRowException.class, () -> JsonLines.validate(line, 0, line.length, 0));
    }

    @Test
    void rowsOutside1970To9999AreRefusedAndNameNoPartition() throws Exception {
        Series up = Series.of("up", Labels.EMPTY);
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("metrics");
            for (long ts : new long[] {-1, Long.MIN_VALUE, Long.MAX_VALUE, SegmentName.MAX_TS + 1}) {
                assertEquals("timestamp_out_of_range", assertThrows(InvalidRowException.class, () -> w.append(up, ts, 1)).reason());
                byte[] row = bytes("{\"ts\":" + ts + "}");
                assertThrows(InvalidRowException.class, () -> w.appendJson(row, 0, row.length));
            }
            w.append(up, T0, 1);
        }
        List<Path> files = Fixtures.sealedFiles(dir);
        assertEquals(1, files.size());
        assertTrue(files.get(0).toString().contains("dt=2025-11-22"), files.get(0).toString());
        assertEquals(1, Fixtures.allSealedLines(dir).size(), "only the sane row was written");
    }

    @Test
    void stalenessMarkersAreWrittenAsStaleAndOtherNaNsAsNaN() {
        RowBuffer b = new RowBuffer(16);
        b.putDouble(Double.longBitsToDouble(RowBuffer.STALE_NAN));
        b.put(new byte[] {' '});
        b.putDouble(Double.NaN);
        b.put(new byte[] {' '});
        b.putDouble(Double.longBitsToDouble(0x7ff8000000000001L));
        assertEquals("\"stale\" \"NaN\" \"NaN\"", new String(b.array(), 0, b.size(), StandardCharsets.US_ASCII));
    }
}
