package dev.cistern.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-stream totals of the sealed files of a spool: read from names and sizes only ({@link #of}), or
 * from content, every file decoded and checked ({@link #deep}).
 */
public record SpoolStats(Map<String, StreamStats> streams) {

    /**
     * Totals from names and from content side by side, and every file whose content disagrees with its
     * name or fails its checks ({@link Verifier}); the content totals count a damaged file's readable rows.
     */
    public record Deep(SpoolStats byName, SpoolStats byContent, List<Verifier.Result> problems) {}

    /** Totals of one stream's sealed files. Times are epoch ms; Long.MAX/MIN_VALUE when there are no files. */
    public record StreamStats(String stream, long files, long rows, long rawBytes, long compressedBytes,
                              long oldestTs, long newestTs) {
        public double ratio() {
            return compressedBytes == 0 ? 0 : (double) rawBytes / compressedBytes;
        }

        StreamStats plus(SegmentName n, long size) {
            return plus(n, n.rows(), n.rawBytes(), size);
        }

        StreamStats plus(SegmentName n, long addRows, long addRaw, long size) {
            return new StreamStats(stream, files + 1, rows + addRows, rawBytes + addRaw, compressedBytes + size,
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
            Long size = MovedFiles.read(s, s.path(), Files::size);
            if (size == null) continue; // dropped since it was listed
            String stream = s.name().stream();
            StreamStats cur = out.getOrDefault(stream, new StreamStats(stream, 0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE));
            out.put(stream, cur.plus(s.name(), size));
        }
        return new SpoolStats(out);
    }

    /** Decodes every sealed file (and those kept in uploaded/): reads the whole spool. */
    public static Deep deep(Path spoolDirectory) throws IOException {
        return deep(Scanner.of(spoolDirectory));
    }

    /** As {@link #deep(Path)}, for the segments a scanner sees (a spool, or a folder of segments). */
    public static Deep deep(Scanner scanner) throws IOException {
        Map<String, StreamStats> byName = new TreeMap<>();
        Map<String, StreamStats> byContent = new TreeMap<>();
        List<Verifier.Result> problems = new ArrayList<>();
        for (SealedSegment s : scanner.segments(ScanQuery.all())) {
            MovedFiles.Verified v = MovedFiles.verify(s);
            if (v == null) continue; // dropped since it was listed
            String stream = s.name().stream();
            byName.put(stream, empty(byName, stream).plus(s.name(), v.size()));
            byContent.put(stream, empty(byContent, stream).plus(s.name(), v.result().rows(), v.result().decodedBytes(), v.size()));
            if (!v.result().ok()) problems.add(v.result());
        }
        return new Deep(new SpoolStats(byName), new SpoolStats(byContent), List.copyOf(problems));
    }

    private static StreamStats empty(Map<String, StreamStats> m, String stream) {
        return m.getOrDefault(stream, new StreamStats(stream, 0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE));
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
