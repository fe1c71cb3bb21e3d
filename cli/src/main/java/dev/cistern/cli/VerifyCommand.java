package dev.cistern.cli;

import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.spool.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "verify", description = {
        "Check every sealed file decodes completely and agrees with its name.",
        "Exits 1 when any file has a problem, listing each."})
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Spool directory.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Cli.requireSpoolDir(dir);
        SpoolLayout layout = new SpoolLayout(dir);
        List<Path> stray = new ArrayList<>();
        try (Stream<Path> s = Files.walk(layout.sealed())) {
            s.filter(Files::isRegularFile)
                    .filter(p -> SegmentName.tryParse(p.getFileName().toString()) == null)
                    .forEach(stray::add);
        }
        List<SealedSegment> segments = Scanner.of(dir).segments(ScanQuery.all());
        int bad = 0;
        long rows = 0;
        try (Progress progress = new Progress("verify", segments.size(), 20)) {
            for (SealedSegment s : segments) {
                Verifier.Result r = Verifier.verify(s.path());
                rows += r.rows();
                if (!r.ok()) {
                    bad++;
                    System.out.println("BAD " + dir.relativize(s.path()) + ": " + r.reason() + ": " + r.problem());
                }
                progress.step();
            }
        }
        for (Path p : stray) System.out.println("BAD " + dir.relativize(p) + ": not a sealed segment name");
        bad += stray.size();
        System.out.println((bad == 0 ? "OK " : "FAILED ") + segments.size() + " files, " + rows + " rows, "
                + bad + " with problems");
        return bad == 0 ? 0 : 1;
    }
}
