package dev.cistern.cli;

import dev.cistern.uploader.log.UploadLog;
import dev.cistern.uploader.log.UploadRecord;
import dev.cistern.uploader.log.UploadStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "uploads", description = {
        "Show the upload log of a spool: one line per attempt, newest last.",
        "Works while an agent or uploader runs."})
final class UploadsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Spool directory.")
    Path dir;

    @Option(names = "--status", description = "Only attempts with this status: success, failed or skipped.")
    String status;

    @Option(names = "--since", converter = TimeArg.class, description = "Only attempts at or after this time.")
    Long since;

    @Option(names = "--limit", defaultValue = "50", description = "The last N matching attempts; 0 means all (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print the log lines as they are (NDJSON).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Cli.requireSpoolDir(dir);
        if (limit < 0) throw new IllegalArgumentException("--limit must be 0 (all) or more, was " + limit);
        UploadStatus wanted = status == null ? null : UploadStatus.parse(status);
        if (!Files.isDirectory(UploadLog.directoryOf(dir))) {
            System.out.println("no uploads logged yet in " + UploadLog.directoryOf(dir));
            return 0;
        }
        UploadLog.Result r = UploadLog.query(dir, new UploadLog.Query(wanted, since == null ? Long.MIN_VALUE : since, limit));
        if (json) {
            for (UploadRecord u : r.records()) System.out.println(UploadLog.toJson(u));
            return 0;
        }
        System.out.printf("%-24s %-7s %3s %8s %10s %-8s %s%n", "TIME", "STATUS", "TRY", "MS", "BYTES", "FLAGS", "KEY / MESSAGE");
        for (UploadRecord u : r.records()) {
            String flags = (u.dryRun() ? "dry " : "") + (u.replay() ? "replay " : "") + (u.permanent() ? "perm" : "");
            System.out.printf("%-24s %-7s %3d %8d %10d %-8s %s%s%n", TimeArg.format(u.ts()), u.status().label(), u.attempt(),
                    u.durationMs(), u.bytes(), flags.strip(), u.key(), // the key as it is (it holds any prefix)
                    u.message().isEmpty() ? "" : "  " + u.message());
        }
        System.out.println(r.records().size() + " of " + r.matched() + " matching attempts shown");
        return 0;
    }
}
