package dev.cistern.cli;

import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SealedSegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ls", description = "List sealed segments, oldest first, pruned by stream and time from their names.")
final class LsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Spool directory.")
    Path dir;

    @Option(names = "--stream", description = "Only this stream (repeatable).")
    List<String> streams = List.of();

    @Option(names = "--from", converter = TimeArg.class, description = "Files with rows at or after this time.")
    Long from;

    @Option(names = "--to", converter = TimeArg.class, description = "Files with rows before this time.")
    Long to;

    @Override
    public Integer call() throws Exception {
        Cli.requireSpoolDir(dir);
        ScanQuery.Builder q = ScanQuery.builder();
        streams.forEach(q::stream);
        if (from != null) q.from(from);
        if (to != null) q.to(to);
        List<SealedSegment> segments = Scanner.of(dir).segments(q.build());
        System.out.printf("%-24s %-24s %-24s %10s %12s %12s %s%n", "STREAM", "FIRST", "LAST", "ROWS", "RAW", "SEALED", "PATH");
        for (SealedSegment s : segments) {
            long size = Files.exists(s.path()) ? Files.size(s.path()) : 0;
            System.out.printf("%-24s %-24s %-24s %10d %12d %12d %s%n", s.name().stream(), TimeArg.format(s.name().minTs()),
                    TimeArg.format(s.name().maxTs()), s.name().rows(), s.name().rawBytes(), size, dir.relativize(s.path()));
        }
        return 0;
    }
}
