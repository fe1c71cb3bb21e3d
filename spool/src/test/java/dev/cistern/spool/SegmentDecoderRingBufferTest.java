package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentDecoderRingBufferTest {
    @TempDir Path dir;

    /**
     * When the decoder's output ring buffer fills just as the input runs out, it can still hold
     * undecoded bytes after the output is taken: the file must still decode to its end.
     */
    @Test
    void decodesStreamsWhoseOutputEndsJustPastARingBufferBoundary() throws Exception {
        Brotli4jLoader.ensureAvailability();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 5 << 16; i++) {
            sb.append("{\"name\":\"up\",\"ts\":").append(1763773200000L + i * 15000L).append(",\"value\":").append(i % 7)
                    .append(",\"labels\":{\"job\":\"node\",\"instance\":\"10.0.0.").append(i % 13).append("\"}}\n");
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        for (int quality : new int[] {1, 5}) {
            for (int blocks = 1; blocks <= 4; blocks++) {
                for (int tail = 1; tail <= 600; tail += 7) {
                    byte[] data = java.util.Arrays.copyOf(all, (blocks << 16) + tail);
                    Path f = dir.resolve("q" + quality + "-" + blocks + "-" + tail + ".br");
                    Files.write(f, Encoder.compress(data, Encoder.Parameters.create(quality, 16)));
                    ByteArrayOutputStream decoded = new ByteArrayOutputStream();
                    try (InputStream in = new SegmentDecoder(f)) {
                        in.transferTo(decoded);
                    }
                    assertArrayEquals(data, decoded.toByteArray(), f.getFileName().toString());
                }
            }
        }
    }
}
