package dev.cistern.agent.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.openhft.chronicle.bytes.MappedBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedCopyTest {
    private static final int CHUNK = 64 << 10;
    private static final int OVERLAP = 16 << 10;

    @TempDir Path dir;

    /** Payloads inside a chunk, into its overlap, across chunks and bigger than one: the file's bytes as Chronicle's write makes them. */
    @Test
    void writesTheBytesChronicleWouldAtEveryPlaceInTheMappedFile() throws Exception {
        Random random = new Random(13);
        int[] lengths = {0, 1, 255, 256, 1000, 4096, 40_000, CHUNK - 7, CHUNK + OVERLAP + 3, 3 * CHUNK + 11};
        try (MappedBytes bulk = MappedBytes.mappedBytes(dir.resolve("bulk").toFile(), CHUNK, OVERLAP);
             MappedBytes plain = MappedBytes.mappedBytes(dir.resolve("plain").toFile(), CHUNK, OVERLAP)) {
            for (int round = 0; round < 40; round++) {
                int len = lengths[round % lengths.length];
                byte[] payload = new byte[len + 10];
                random.nextBytes(payload);
                int off = round % 7;
                bulk.writeByte((byte) round); // moves every payload to a new place relative to the chunks
                plain.writeByte((byte) round);
                MappedCopy.write(bulk, payload, off, len);
                plain.write(payload, off, len);
                assertEquals(plain.writePosition(), bulk.writePosition(), "write position after " + len + " bytes");
            }
            long end = plain.writePosition();
            byte[] want = new byte[(int) end];
            byte[] got = new byte[(int) end];
            plain.readPosition(0).read(want);
            bulk.readPosition(0).read(got);
            assertArrayEquals(want, got);
        }
        assertEquals(Files.size(dir.resolve("plain")), Files.size(dir.resolve("bulk")));
    }
}
