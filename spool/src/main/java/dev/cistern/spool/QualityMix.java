package dev.cistern.spool;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Sealed files per compression quality, per stream, from each file's {@link LevelRecord} (a few bytes read
 * near its end, no decoding). With {@code spool.quality: auto} the files of one stream differ; files sealed
 * before the record existed count under {@link LevelRecord#UNKNOWN}.
 */
public record QualityMix(Map<String, SortedMap<Integer, Long>> byStream) {

    public static QualityMix of(Scanner scanner) throws IOException {
        Map<String, SortedMap<Integer, Long>> out = new TreeMap<>();
        for (SealedSegment s : scanner.segments(ScanQuery.all())) {
            int q;
            try {
                q = LevelRecord.read(s.path());
            } catch (NoSuchFileException e) {
                continue; // moved away while we looked
            }
            out.computeIfAbsent(s.name().stream(), k -> new TreeMap<>()).merge(q, 1L, Long::sum);
        }
        return new QualityMix(out);
    }

    /** A stream's files per quality (empty when it has none). */
    public SortedMap<Integer, Long> of(String stream) {
        return byStream.getOrDefault(stream, new TreeMap<>());
    }

    /** Every stream's files per quality. */
    public SortedMap<Integer, Long> total() {
        SortedMap<Integer, Long> t = new TreeMap<>();
        for (SortedMap<Integer, Long> m : byStream.values()) m.forEach((q, n) -> t.merge(q, n, Long::sum));
        return t;
    }

    /** "5", or "1-5" for a mix, with "?" for files that record none; "-" without files. */
    public static String describe(SortedMap<Integer, Long> files) {
        SortedMap<Integer, Long> known = files.tailMap(0);
        String unknown = files.containsKey(LevelRecord.UNKNOWN) ? "?" : "";
        if (known.isEmpty()) return unknown.isEmpty() ? "-" : unknown;
        int lo = known.firstKey();
        int hi = known.lastKey();
        return (lo == hi ? Integer.toString(lo) : lo + "-" + hi) + (unknown.isEmpty() ? "" : ",?");
    }
}
