package dev.cistern.cli;

import dev.cistern.spool.QualityMix;
import dev.cistern.spool.SpoolStats;
import dev.cistern.spool.Verifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stats", description = {"Files, rows, raw and compressed bytes, ratio, Brotli quality and time span per stream.",
        "Counts come from file names unless --deep. With --deep every file is decoded and checked: rows and",
        "raw bytes are counted from content, and each file whose content disagrees with its name or fails",
        "its checksum is listed (exit 1)."})
final class StatsCommand implements Callable<Integer> {
    private static final String FMT = "%-24s %8s %12s %14s %14s %7s %-10s %-24s %-24s%n";

    @Parameters(index = "0", description = "Spool directory, or a folder of segments (a file: destination).")
    Path dir;

    @Option(names = "--json", description = "One JSON object: {\"streams\": [...], \"total\": {...}} (docs/operations.md).")
    boolean json;

    @Option(names = "--deep", description = "Decode every file: count from content and report where names and content disagree.")
    boolean deep;

    @Override
    public Integer call() throws Exception {
        if (deep) return deep();
        SpoolStats stats = SpoolStats.of(Cli.scanner(dir));
        QualityMix mix = QualityMix.of(Cli.scanner(dir));
        if (json) {
            Cli.printJson(Cli.object("dir", dir.toString(), "streams", describeAll(stats, mix), "total",
                    describe(stats.total(), mix.total())));
            return 0;
        }
        print(stats, mix);
        return 0;
    }

    private int deep() throws Exception {
        SpoolStats.Deep d = SpoolStats.deep(Cli.scanner(dir));
        QualityMix mix = QualityMix.of(Cli.scanner(dir));
        SpoolStats.StreamStats names = d.byName().total();
        SpoolStats.StreamStats content = d.byContent().total();
        boolean agree = d.problems().isEmpty() && names.rows() == content.rows() && names.rawBytes() == content.rawBytes();
        if (json) {
            List<Map<String, Object>> problems = new ArrayList<>();
            for (Verifier.Result r : d.problems()) {
                problems.add(Cli.object("file", dir.relativize(r.path()).toString(), "reason", String.valueOf(r.reason()),
                        "problem", r.problem()));
            }
            Cli.printJson(Cli.object("dir", dir.toString(), "streams", describeAll(d.byContent(), mix),
                    "total", describe(content, mix.total()), "names_total", describe(names, mix.total()), "agree", agree,
                    "disagreements", problems));
            return agree ? 0 : 1;
        }
        System.out.println("from content (every file decoded):");
        print(d.byContent(), mix);
        for (Verifier.Result r : d.problems()) {
            System.out.println("DISAGREES " + dir.relativize(r.path()) + ": " + r.reason() + ": " + r.problem());
        }
        System.out.println((agree ? "AGREE" : "DISAGREE") + ": names say " + names.rows() + " rows and " + names.rawBytes()
                + " raw bytes, content has " + content.rows() + " readable rows and " + content.rawBytes() + " bytes; "
                + d.problems().size() + " of " + content.files() + " files disagree or fail their checks");
        return agree ? 0 : 1;
    }

    private static void print(SpoolStats stats, QualityMix mix) {
        System.out.printf(FMT, "STREAM", "FILES", "ROWS", "RAW_BYTES", "SEALED_BYTES", "RATIO", "LEVEL", "OLDEST", "NEWEST");
        for (SpoolStats.StreamStats s : stats.streams().values()) print(s, mix.of(s.stream()));
        if (stats.streams().size() > 1) print(stats.total(), mix.total());
    }

    private static void print(SpoolStats.StreamStats s, SortedMap<QualityMix.Level, Long> qualities) {
        System.out.printf(FMT, s.stream().equals("*") ? "TOTAL" : s.stream(), s.files(), s.rows(), s.rawBytes(), s.compressedBytes(),
                String.format("%.1f", s.ratio()), QualityMix.describe(qualities), TimeArg.format(s.oldestTs()),
                TimeArg.format(s.newestTs()));
    }

    private static List<Map<String, Object>> describeAll(SpoolStats stats, QualityMix mix) {
        List<Map<String, Object>> streams = new ArrayList<>();
        for (SpoolStats.StreamStats s : stats.streams().values()) streams.add(describe(s, mix.of(s.stream())));
        return streams;
    }

    /** Files per codec and level, e.g. "brotli 5" ("brotli unknown": sealed before files recorded it). */
    private static Map<String, Object> qualities(SortedMap<QualityMix.Level, Long> files) {
        Map<String, Object> m = new LinkedHashMap<>();
        files.forEach((l, n) -> m.put(l.toString(), n));
        return m;
    }

    private static Map<String, Object> describe(SpoolStats.StreamStats s, SortedMap<QualityMix.Level, Long> qualities) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stream", s.stream());
        m.put("files", s.files());
        m.put("rows", s.rows());
        m.put("raw_bytes", s.rawBytes());
        m.put("sealed_bytes", s.compressedBytes());
        m.put("ratio", s.files() == 0 ? 0 : Math.round(s.ratio() * 100) / 100.0);
        m.put("files_by_level", qualities(qualities));
        m.put("oldest", TimeArg.format(s.oldestTs()));
        m.put("newest", TimeArg.format(s.newestTs()));
        return m;
    }
}
