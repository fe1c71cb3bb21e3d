package dev.cistern.cli;

import dev.cistern.spool.SpoolStats;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "stats", description = "Files, rows, raw and compressed bytes, ratio and time span per stream.")
final class StatsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Spool directory.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Cli.requireSpoolDir(dir);
        SpoolStats stats = SpoolStats.of(dir);
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
}
