package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentDecoderTest {
    @TempDir Path dir;
    private byte[] sealed;
    private byte[] decoded;

    @BeforeEach
    void writeSegment() throws Exception {
        Series s = Series.of("node_network_receive_bytes_total", Labels.of("device", "eth0", "instance", "10.0.0.1:9100"));
        try (Spool spool = Spool.open(Fixtures.config(dir.resolve("spool")).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("metrics");
            for (int i = 0; i < 5_000; i++) w.append(s, T0 + i * 15_000L, i * 1234.5);
        }
        Path f = Fixtures.sealedFiles(dir.resolve("spool")).get(0);
        sealed = Files.readAllBytes(f);
        decoded = String.join("\n", Fixtures.lines(f)).concat("\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(sealed.length < 65536, "the test wants the whole file inside one read chunk");
    }

    private byte[] decodeUntilProblem(byte[] file) throws Exception {
        Path p = Files.write(dir.resolve("f" + System.nanoTime()), file);
        return Fixtures.readablePrefixBytes(p);
    }

    @Test
    void decodesACompleteFile() throws Exception {
        Path p = Files.write(dir.resolve("whole"), sealed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SegmentDecoder in = new SegmentDecoder(p)) {
            in.transferTo(out);
            assertEquals(decoded.length, in.decodedBytes());
        }
        assertArrayEquals(decoded, out.toByteArray());
    }

    @Test
    void truncatedFileEndsWithTruncatedException() throws Exception {
        Path p = Files.write(dir.resolve("cut"), Arrays.copyOf(sealed, sealed.length / 2));
        try (SegmentDecoder in = new SegmentDecoder(p)) {
            assertThrows(SegmentDecoder.TruncatedException.class, () -> in.transferTo(java.io.OutputStream.nullOutputStream()));
        }
    }

    @Test
    void returnsEverythingDecodableBeforeCorruptionInTheSameChunk() throws Exception {
        Random rnd = new Random(3);
        for (int k = 0; k < 40; k++) {
            int cut = 1 + rnd.nextInt(sealed.length - 1);
            byte[] prefixOnly = decodeUntilProblem(Arrays.copyOf(sealed, cut));
            byte[] damaged = Arrays.copyOf(sealed, sealed.length);
            for (int i = cut; i < Math.min(sealed.length, cut + 64); i++) damaged[i] = (byte) rnd.nextInt(256);
            byte[] got = decodeUntilProblem(damaged);
            assertTrue(got.length >= prefixOnly.length,
                    "cut " + cut + ": only " + got.length + " of the " + prefixOnly.length + " bytes before the damage");
            assertArrayEquals(prefixOnly, Arrays.copyOf(got, prefixOnly.length), "cut " + cut);
            assertArrayEquals(Arrays.copyOf(decoded, prefixOnly.length), prefixOnly);
        }
    }

    @Test
    void trailingBytesAfterTheStreamAreCorruption() throws Exception {
        Path p = Files.write(dir.resolve("trailing"), Arrays.copyOf(sealed, sealed.length + 1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SegmentDecoder in = new SegmentDecoder(p)) {
            assertThrows(SegmentDecoder.CorruptException.class, () -> in.transferTo(out));
        }
        assertArrayEquals(decoded, out.toByteArray(), "the whole stream still comes out first");
    }
}
