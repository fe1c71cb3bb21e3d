package dev.cistern.cli;

import dev.cistern.uploader.UploadSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints what a pass of the uploader did, for people. */
final class UploadReport {
    private UploadReport() {}

    static void print(PrintStream out, UploadSummary s, String destination, boolean dryRun) {
        String secs = String.format(Locale.ROOT, "%.1f s", s.elapsed().toMillis() / 1000.0);
        if (s.files() == 0) {
            out.println("nothing to upload to " + destination);
            return;
        }
        if (dryRun) {
            out.println("dry run: " + s.skipped() + " files would go to " + destination + " (nothing sent, nothing moved)");
        } else {
            out.println("uploaded " + s.uploaded() + " files (" + bytes(s.bytes()) + ") to " + destination + " in " + secs);
        }
        if (!s.allUploaded()) {
            out.println("NOT UPLOADED: " + s.failed() + " failed, " + s.quarantined() + " quarantined, " + s.deferred()
                    + " not tried (circuit breaker open); failed and untried files stay in sealed/ for the next run");
            for (UploadSummary.Problem p : s.failures()) {
                out.println("  " + p.outcome().name().toLowerCase(Locale.ROOT) + " " + p.file() + ": " + p.message());
            }
        }
    }

    /** The same as one JSON object (--json): counts, bytes, seconds and each file that did not go up. */
    static void printJson(UploadSummary s, String destination, boolean dryRun) throws IOException {
        List<Map<String, Object>> problems = new ArrayList<>();
        for (UploadSummary.Problem p : s.failures()) {
            problems.add(Cli.object("outcome", p.outcome().name().toLowerCase(Locale.ROOT), "file", String.valueOf(p.file()),
                    "message", p.message()));
        }
        Cli.printJson(Cli.object("destination", destination, "dry_run", dryRun, "all_uploaded", s.allUploaded(),
                "uploaded", s.uploaded(), "skipped", s.skipped(), "failed", s.failed(), "quarantined", s.quarantined(),
                "deferred", s.deferred(), "bytes", s.bytes(), "seconds", s.elapsed().toMillis() / 1000.0, "problems", problems));
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        return String.format(Locale.ROOT, "%.2f GiB", n / 1073741824.0);
    }
}
