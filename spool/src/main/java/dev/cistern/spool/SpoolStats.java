package dev.cistern.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Per-stream totals of the sealed files of a spool, read from names and sizes only (nothing decoded). */
public record SpoolStats(Map<String, StreamStats> streams) {

    /** Totals of one stream's sealed files. Times are epoch ms; Long.MAX/MIN_VALUE when there are no files. */
    public record StreamStats(String stream, long files, long rows, long rawBytes, long compressedBytes,
                              long oldestTs, long newestTs) {
        public double ratio() {
            return compressedBytes == 0 ? 0 : (double) rawBytes / compressedBytes;
        }

        StreamStats plus(SegmentName n, long size) {
            return new StreamStats(stream, files + 1, rows + n.rows(), rawBytes + n.rawBytes(), compressedBytes + size,
                    Math.min(oldestTs, n.minTs()), Math.max(newestTs, n.maxTs()));
        }
    }

    public static SpoolStats of(Path spoolDirectory) throws IOException {
        return of(Scanner.of(spoolDirectory));
    }

    /** Figures from the names of the segments a scanner sees (a spool, or a folder of segments). */
    public static SpoolStats of(Scanner scanner) throws IOException {
        Map<String, StreamStats> out = new TreeMap<>();
        for (SealedSegment s : scanner.segments(ScanQuery.all())) {
            long size;
            try {
                size = Files.size(s.path());
            } catch (NoSuchFileException e) {
                continue; // moved away while we looked
            }
            String stream = s.name().stream();
            StreamStats cur = out.getOrDefault(stream, new StreamStats(stream, 0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE));
            out.put(stream, cur.plus(s.name(), size));
        }
        return new SpoolStats(out);
    }

    public StreamStats total() {
        StreamStats t = new StreamStats("*", 0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE);
        for (StreamStats s : streams.values()) {
            t = new StreamStats("*", t.files + s.files, t.rows + s.rows, t.rawBytes + s.rawBytes,
                    t.compressedBytes + s.compressedBytes, Math.min(t.oldestTs, s.oldestTs), Math.max(t.newestTs, s.newestTs));
        }
        return t;
    }
}
