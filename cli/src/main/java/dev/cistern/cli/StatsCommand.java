package dev.cistern.cli;

import dev.cistern.spool.SpoolStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stats", description = "Files, rows, raw and compressed bytes, ratio and time span per stream.")
final class StatsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Spool directory, or a folder of segments (a file: destination).")
    Path dir;

    @Option(names = "--json", description = "One JSON object: {\"streams\": [...], \"total\": {...}} (docs/operations.md).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        SpoolStats stats = SpoolStats.of(Cli.scanner(dir));
        if (json) {
            List<Map<String, Object>> streams = new ArrayList<>();
            for (SpoolStats.StreamStats s : stats.streams().values()) streams.add(describe(s));
            Cli.printJson(Cli.object("dir", dir.toString(), "streams", streams, "total", describe(stats.total())));
            return 0;
        }
        String fmt = "%-24s %8s %12s %14s %14s %7s %-24s %-24s%n";
        System.out.printf(fmt, "STREAM", "FILES", "ROWS", "RAW_BYTES", "SEALED_BYTES", "RATIO", "OLDEST", "NEWEST");
        for (SpoolStats.StreamStats s : stats.streams().values()) print(fmt, s);
        if (stats.streams().size() > 1) print(fmt, stats.total());
        return 0;
    }

    private static void print(String fmt, SpoolStats.StreamStats s) {
        System.out.printf(fmt, s.stream().equals("*") ? "TOTAL" : s.stream(), s.files(), s.rows(), s.rawBytes(),
                s.compressedBytes(), String.format("%.1f", s.ratio()), TimeArg.format(s.oldestTs()), TimeArg.format(s.newestTs()));
    }

    private static Map<String, Object> describe(SpoolStats.StreamStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stream", s.stream());
        m.put("files", s.files());
        m.put("rows", s.rows());
        m.put("raw_bytes", s.rawBytes());
        m.put("sealed_bytes", s.compressedBytes());
        m.put("ratio", s.files() == 0 ? 0 : Math.round(s.ratio() * 100) / 100.0);
        m.put("oldest", TimeArg.format(s.oldestTs()));
        m.put("newest", TimeArg.format(s.newestTs()));
        return m;
    }
}
