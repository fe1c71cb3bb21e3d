package dev.cistern.spool;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Sealed files per codec and level, per stream, from each file's {@link LevelRecord} (a few bytes read near its
 * end, no decoding). With {@code spool.quality: auto} the files of one stream differ; files sealed before the
 * record existed count under {@link LevelRecord#UNKNOWN}.
 */
public record QualityMix(Map<String, SortedMap<Level, Long>> byStream) {

    /** A codec and a level of it ({@link LevelRecord#UNKNOWN} when the file records none). */
    public record Level(Codec codec, int level) implements Comparable<Level> {
        private static final Comparator<Level> ORDER = Comparator.comparing(Level::codec).thenComparingInt(Level::level);

        @Override
        public int compareTo(Level o) {
            return ORDER.compare(this, o);
        }

        /** "brotli 5", or "brotli unknown". */
        @Override
        public String toString() {
            return codec.configName() + " " + (level == LevelRecord.UNKNOWN ? "unknown" : Integer.toString(level));
        }
    }

    public static QualityMix of(Scanner scanner) throws IOException {
        Map<String, SortedMap<Level, Long>> out = new TreeMap<>();
        for (SealedSegment s : scanner.segments(ScanQuery.all())) {
            Integer level = MovedFiles.read(s, s.path(), LevelRecord::read);
            if (level == null) continue; // dropped since it was listed
            Level key = new Level(s.name().codec(), level);
            out.computeIfAbsent(s.name().stream(), k -> new TreeMap<>()).merge(key, 1L, Long::sum);
        }
        return new QualityMix(out);
    }

    /** A stream's files per level (empty when it has none). */
    public SortedMap<Level, Long> of(String stream) {
        return byStream.getOrDefault(stream, new TreeMap<>());
    }

    /** Every stream's files per level. */
    public SortedMap<Level, Long> total() {
        SortedMap<Level, Long> t = new TreeMap<>();
        for (SortedMap<Level, Long> m : byStream.values()) m.forEach((l, n) -> t.merge(l, n, Long::sum));
        return t;
    }

    /** Per codec, "brotli 5", or "brotli 1-5" for a mix, with "?" for files that record none; "-" without files. */
    public static String describe(SortedMap<Level, Long> files) {
        List<String> parts = new ArrayList<>();
        for (Codec c : Codec.values()) {
            SortedMap<Level, Long> of = files.subMap(new Level(c, Integer.MIN_VALUE), new Level(c, Integer.MAX_VALUE));
            if (of.isEmpty()) continue;
            SortedMap<Level, Long> known = of.tailMap(new Level(c, 0));
            String unknown = of.containsKey(new Level(c, LevelRecord.UNKNOWN)) ? "?" : "";
            if (known.isEmpty()) {
                parts.add(c.configName() + " " + unknown);
                continue;
            }
            int lo = known.firstKey().level();
            int hi = known.lastKey().level();
            parts.add(c.configName() + " " + (lo == hi ? Integer.toString(lo) : lo + "-" + hi) + (unknown.isEmpty() ? "" : ",?"));
        }
        return parts.isEmpty() ? "-" : String.join(" ", parts);
    }
}
