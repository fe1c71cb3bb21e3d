package dev.cistern.cli;

import dev.cistern.spool.MovedFiles;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.spool.TreeFiles;
import dev.cistern.spool.Verifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", description = {
        "Check every sealed file decodes completely and agrees with its name.",
        "Exits 1 when any file has a problem, listing each."})
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Spool directory.")
    Path dir;

    @Option(names = "--json",
            description = "One JSON object: {\"ok\", \"files\", \"rows\", \"problems\": [{\"path\", \"reason\", \"detail\"}]}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Cli.requireSpoolDir(dir);
        SpoolLayout layout = new SpoolLayout(dir);
        List<Path> stray = new ArrayList<>();
        for (Path p : TreeFiles.under(layout.sealed())) {
            if (SegmentName.tryParse(p.getFileName().toString()) == null) stray.add(p);
        }
        List<SealedSegment> segments = Scanner.of(dir).segments(ScanQuery.all());
        List<Map<String, Object>> problems = new ArrayList<>();
        long rows = 0;
        try (Progress progress = new Progress("verify", segments.size(), 20)) {
            for (SealedSegment s : segments) {
                MovedFiles.Verified v = MovedFiles.verify(s); // an uploader beside us may move or drop it meanwhile
                progress.step();
                if (v == null) continue;
                Verifier.Result r = v.result();
                rows += r.rows();
                if (!r.ok()) problems.add(Cli.object("path", dir.relativize(v.path()).toString(), "reason", String.valueOf(r.reason()),
                        "detail", String.valueOf(r.problem())));
            }
        }
        for (Path p : stray) {
            problems.add(Cli.object("path", dir.relativize(p).toString(), "reason", "name", "detail", "not a sealed segment name"));
        }
        boolean ok = problems.isEmpty();
        if (json) {
            Cli.printJson(Cli.object("ok", ok, "files", segments.size(), "rows", rows, "problems", problems));
        } else {
            for (Map<String, Object> p : problems) {
                System.out.println("BAD " + p.get("path") + ": " + p.get("reason") + ": " + p.get("detail"));
            }
            System.out.println((ok ? "OK " : "FAILED ") + segments.size() + " files, " + rows + " rows, " + problems.size()
                    + " with problems");
        }
        return ok ? 0 : 1;
    }
}
