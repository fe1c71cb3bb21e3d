package dev.cistern.cli;

import dev.cistern.spool.SpoolStats;
import dev.cistern.spool.Verifier;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stats", description = {"Files, rows, raw and compressed bytes, ratio and time span per stream.",
        "Counts come from file names unless --deep. With --deep every file is decoded and checked: rows and",
        "raw bytes are counted from content, and each file whose content disagrees with its name or fails",
        "its checksum is listed (exit 1)."})
final class StatsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Spool directory.")
    Path dir;

    @Option(names = "--deep", description = "Decode every file: count from content and report where names and content disagree.")
    boolean deep;

    private static final String FMT = "%-24s %8s %12s %14s %14s %7s %-24s %-24s%n";

    @Override
    public Integer call() throws Exception {
        Cli.requireSpoolDir(dir);
        if (deep) return deep();
        print(SpoolStats.of(dir));
        return 0;
    }

    private int deep() throws Exception {
        SpoolStats.Deep d = SpoolStats.deep(dir);
        System.out.println("from content (every file decoded):");
        print(d.byContent());
        SpoolStats.StreamStats names = d.byName().total();
        SpoolStats.StreamStats content = d.byContent().total();
        for (Verifier.Result r : d.problems()) {
            System.out.println("DISAGREES " + dir.relativize(r.path()) + ": " + r.reason() + ": " + r.problem());
        }
        boolean agree = d.problems().isEmpty() && names.rows() == content.rows() && names.rawBytes() == content.rawBytes();
        System.out.println((agree ? "AGREE" : "DISAGREE") + ": names say " + names.rows() + " rows and " + names.rawBytes()
                + " raw bytes, content has " + content.rows() + " readable rows and " + content.rawBytes() + " bytes; "
                + d.problems().size() + " of " + content.files() + " files disagree or fail their checks");
        return agree ? 0 : 1;
    }

    private static void print(SpoolStats stats) {
        System.out.printf(FMT, "STREAM", "FILES", "ROWS", "RAW_BYTES", "SEALED_BYTES", "RATIO", "OLDEST", "NEWEST");
        for (SpoolStats.StreamStats s : stats.streams().values()) print(s);
        if (stats.streams().size() > 1) print(stats.total());
    }

    private static void print(SpoolStats.StreamStats s) {
        System.out.printf(FMT, s.stream().equals("*") ? "TOTAL" : s.stream(), s.files(), s.rows(), s.rawBytes(),
                s.compressedBytes(), String.format("%.1f", s.ratio()), TimeArg.format(s.oldestTs()), TimeArg.format(s.newestTs()));
    }
}
