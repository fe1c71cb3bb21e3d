package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding on a thread ahead of the reader gives the same bytes, the same failure after them, and its chunks back. */
class DecodeAheadTest {
    @TempDir Path dir;
    private Path file;
    private byte[] decoded;

    @BeforeEach
    void writeSegment() throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(dir.resolve("spool")).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("metrics");
            for (int i = 0; i < 40_000; i++) {
                w.append(Series.of("m_" + (i % 37), Labels.of("pod", "p-" + (i % 101), "node", "n" + i)), T0 + i * 15L, i * 0.5);
            }
        }
        file = Fixtures.sealedFiles(dir.resolve("spool")).get(0);
        decoded = Fixtures.readablePrefixBytes(file);
        assertTrue(decoded.length > 4 * (1 << 18), "more than the chunks in the pool: " + decoded.length);
    }

    private static byte[] readAll(DecodeAhead in, ByteArrayOutputStream out) throws IOException {
        byte[] buf = new byte[10_000]; // not a divisor of a chunk: reads straddle chunks
        for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) out.write(buf, 0, n);
        return out.toByteArray();
    }

    @Test
    void givesTheDecodedBytesAndTheirCrc() throws Exception {
        BlockingQueue<byte[]> pool = DecodeAhead.pool();
        int crc;
        try (SegmentDecoder plain = new SegmentDecoder(file)) {
            plain.transferTo(java.io.OutputStream.nullOutputStream());
            crc = plain.contentCrc();
        }
        try (SegmentDecoder in = new SegmentDecoder(file); DecodeAhead ahead = new DecodeAhead(in, pool)) {
            assertArrayEquals(decoded, readAll(ahead, new ByteArrayOutputStream()));
            assertEquals(-1, ahead.read(new byte[1], 0, 1), "the end stays the end");
            assertEquals(crc, in.contentCrc());
        }
        assertEquals(3, pool.size());
    }

    @Test
    void aTruncatedFileGivesItsDecodablePrefixThenTheFailure() throws Exception {
        Path cut = Files.write(dir.resolve(file.getFileName()), Arrays.copyOf(Files.readAllBytes(file), (int) (Files.size(file) / 2)));
        byte[] prefix = Fixtures.readablePrefixBytes(cut);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BlockingQueue<byte[]> pool = DecodeAhead.pool();
        try (SegmentDecoder in = new SegmentDecoder(cut); DecodeAhead ahead = new DecodeAhead(in, pool)) {
            assertThrows(SegmentDecoder.TruncatedException.class, () -> readAll(ahead, out));
        }
        assertArrayEquals(prefix, out.toByteArray());
        assertEquals(3, pool.size());
    }

    @Test
    void closingEarlyStopsTheThreadAndReturnsEveryChunk() throws Exception {
        BlockingQueue<byte[]> pool = DecodeAhead.pool();
        for (int round = 0; round < 20; round++) {
            try (SegmentDecoder in = new SegmentDecoder(file); DecodeAhead ahead = new DecodeAhead(in, pool)) {
                ahead.read(new byte[100 * round + 1]); // the thread is a few chunks ahead, or blocked on the pool
            }
            assertEquals(3, pool.size(), "round " + round);
        }
        Thread.getAllStackTraces().keySet().forEach(t -> assertTrue(!t.getName().equals("cistern-decode") || !t.isAlive(), t.toString()));
    }
}
