package dev.cistern.uploader.testing;

import static dev.cistern.testkit.Times.HOUR;
import static dev.cistern.testkit.Times.T0;

import dev.cistern.spool.CodecSettings;
import dev.cistern.spool.Labels;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SealTrailer;
import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.Series;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.spool.StreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/** Real spools for tests: segments sealed by the spool itself, or large files with valid segment names. */
public final class TestSpools {
    private TestSpools() {}

    /** Seals {@code segments} segments of {@code rows} rows into the stream, one per hour from T0. */
    public static List<SealedSegment> seal(Path dir, String stream, int segments, int rows) throws IOException {
        return seal(dir, stream, segments, rows, CodecSettings.brotli(1, SpoolConfig.DEFAULT_WINDOW));
    }

    /** {@link #seal(Path, String, int, int)} in a codec. */
    public static List<SealedSegment> seal(Path dir, String stream, int segments, int rows, CodecSettings codec) throws IOException {
        try (Spool spool = Spool.open(SpoolConfig.builder(dir).shardsPerStream(1).quality(1).streamCodec(stream, codec).build())) {
            StreamWriter w = spool.writer(stream);
            for (int s = 0; s < segments; s++) {
                Series series = Series.of("test_metric", Labels.of("segment", Integer.toString(s), "stream", stream));
                for (int r = 0; r < rows; r++) w.append(series, T0 + s * HOUR + r * 15_000L, r * 0.5 + s);
                w.seal();
            }
        }
        return Scanner.of(dir).segments(ScanQuery.builder().stream(stream).build());
    }

    /**
     * Writes a file of random bytes under a valid segment name in sealed/, as if the spool had sealed
     * it: {@code bytes} random bytes, then a seal trailer over them (so the uploader's check passes it).
     */
    public static SealedSegment bigSegment(Path dir, String stream, long minTs, long bytes, long seed) throws IOException {
        SpoolLayout layout = new SpoolLayout(dir);
        SegmentName name = new SegmentName(stream, minTs, minTs + 1000, 1, bytes, SegmentName.FORMAT_VERSION, SegmentName.newId(minTs));
        Path path = layout.sealedPath(name);
        Files.createDirectories(path.getParent());
        Random random = new Random(seed);
        byte[] buf = new byte[1 << 20];
        CRC32C crc = new CRC32C();
        try (OutputStream out = Files.newOutputStream(path)) {
            for (long left = bytes; left > 0; ) {
                random.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                crc.update(buf, 0, n);
                left -= n;
            }
            out.write(SealTrailer.encode(bytes, (int) crc.getValue(), 0));
        }
        return new SealedSegment(path, name);
    }
}
