package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every sealed file ends in a seal trailer that standard decoders skip and that catches any change to the file. */
class SealTrailerTest {
    @TempDir Path dir;

    private Path sealOne(int rows) throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("metrics");
            for (int i = 0; i < rows; i++) w.append(Series.of("up", Labels.of("job", "node")), T0 + i * 1000L, i);
        }
        List<Path> files = Fixtures.sealedFiles(dir);
        assertEquals(1, files.size());
        return files.get(0);
    }

    @Test
    void theTrailerRecordsThePrefixAndTheDecodedContent() throws Exception {
        Path f = sealOne(100);
        byte[] bytes = Files.readAllBytes(f);
        SealTrailer.Seal seal = SealTrailer.decode(Arrays.copyOfRange(bytes, bytes.length - SealTrailer.SIZE, bytes.length));
        assertNotNull(seal);
        assertEquals(bytes.length - SealTrailer.SIZE, seal.prefixBytes());
        CRC32C prefix = new CRC32C();
        prefix.update(bytes, 0, (int) seal.prefixBytes());
        assertEquals((int) prefix.getValue(), seal.prefixCrc());
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        Scanner.lines(f, (b, off, len) -> {
            content.write(b, off, len);
            content.write('\n');
        });
        CRC32C decoded = new CRC32C();
        decoded.update(content.toByteArray());
        assertEquals((int) decoded.getValue(), seal.contentCrc());
        String text = new String(bytes, bytes.length - SealTrailer.SIZE + 2, SealTrailer.SIZE - 3, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("cistern-seal 1 prefix_bytes="), text);
        SealTrailer.Check c = SealTrailer.check(f);
        assertTrue(c.ok(), c.toString());
        CRC32C whole = new CRC32C();
        whole.update(bytes);
        assertEquals((int) whole.getValue(), c.fileCrc());
        assertTrue(Verifier.verify(f).ok());
        assertTrue(f.getFileName().toString().contains(".v2."), "format 2 names mark files with a trailer");
    }

    @Test
    void theEncodingRoundTrips() {
        byte[] t = SealTrailer.encode(123_456_789L, 0xdeadbeef, 0x01020304);
        assertEquals(SealTrailer.SIZE, t.length);
        assertEquals(new SealTrailer.Seal(123_456_789L, 0xdeadbeef, 0x01020304), SealTrailer.decode(t));
        assertArrayEquals(t, SealTrailer.encode(123_456_789L, 0xdeadbeef, 0x01020304));
    }

    @Test
    void theLineIsTheOneDocsFormatGives() {
        // docs/format.md: zero-padded decimal and lowercase hex of eight digits, whatever the values
        for (long[] v : new long[][] {{0, 0, 0}, {123_456_789L, 0xdeadbeefL, 0x0102L}, {Long.MAX_VALUE, -1, 0x7fffffff}}) {
            byte[] t = SealTrailer.encode((long) v[0], (int) v[1], (int) v[2]);
            String line = new String(t, 2, t.length - 3, StandardCharsets.US_ASCII);
            String before = String.format("cistern-seal 1 prefix_bytes=%019d prefix_crc32c=%08x content_crc32c=%08x", v[0], (int) v[1],
                    (int) v[2]);
            CRC32C crc = new CRC32C();
            crc.update(before.getBytes(StandardCharsets.US_ASCII));
            assertEquals(before + String.format(" crc32c=%08x\n", (int) crc.getValue()), line);
        }
    }

    /** The brief of issue 17: flip every bit of a small sealed file in turn; every flip must be detected. */
    @Test
    void everySingleBitFlipIsDetected() throws Exception {
        Path f = sealOne(5);
        byte[] original = Files.readAllBytes(f);
        int bits = original.length * 8;
        for (int bit = 0; bit < bits; bit++) {
            byte[] flipped = original.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(f, flipped);
            SealTrailer.Check c = SealTrailer.check(f);
            assertFalse(c.ok(), "bit " + bit + " of " + bits + ": the structural check passed it");
            Verifier.Result v = Verifier.verify(f);
            assertFalse(v.ok(), "bit " + bit + " of " + bits + ": verify passed it");
            assertTrue(v.reason() == QuarantineReason.CHECKSUM_MISMATCH || v.reason() == QuarantineReason.MISSING_CHECKSUM,
                    "bit " + bit + ": " + v);
        }
        Files.write(f, original);
        assertTrue(Verifier.verify(f).ok());
    }

    @Test
    void aFileWrittenBeforeTrailersIsCheckedByContentOnly() throws Exception {
        Path f = sealOne(10);
        SegmentName n = SegmentName.parse(f.getFileName().toString());
        byte[] bytes = Files.readAllBytes(f);
        // a format-1 file ends with the encoder's own last meta-block; the trailer's ending is the same byte
        Path legacy = f.resolveSibling(new SegmentName(n.stream(), n.minTs(), n.maxTs(), n.rows(), n.rawBytes(), 1, n.id())
                .fileName());
        Files.write(legacy, bytes);
        Files.delete(f);
        assertFalse(SealTrailer.expected(SegmentName.parse(legacy.getFileName().toString())));
        assertTrue(Verifier.verify(legacy).ok());
    }
}
