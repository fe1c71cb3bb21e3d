package dev.cistern.cli;

import dev.cistern.spool.LevelRecord;
import dev.cistern.spool.MovedFiles;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.SealedSegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ls", description = "List sealed segments, oldest first, pruned by stream and time from their names.")
final class LsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Spool directory, or a folder of segments (a file: destination).")
    Path dir;

    @Option(names = "--stream", description = "Only this stream (repeatable).")
    List<String> streams = List.of();

    @Option(names = "--from", converter = TimeArg.class, description = "Files with rows at or after this time.")
    Long from;

    @Option(names = "--to", converter = TimeArg.class, description = "Files with rows before this time.")
    Long to;

    @Option(names = "--json", description = "One JSON object: {\"segments\": [...], \"total\": n} (docs/operations.md).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ScanQuery.Builder q = ScanQuery.builder();
        streams.forEach(q::stream);
        if (from != null) q.from(from);
        if (to != null) q.to(to);
        List<SealedSegment> segments = Cli.scanner(dir).segments(q.build());
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (SealedSegment s : segments) list.add(describe(s));
            Cli.printJson(Cli.object("dir", dir.toString(), "segments", list, "total", list.size()));
            return 0;
        }
        System.out.printf("%-24s %-24s %-24s %10s %12s %12s %-9s %s%n", "STREAM", "FIRST", "LAST", "ROWS", "RAW", "SEALED",
                "LEVEL", "PATH");
        for (SealedSegment s : segments) {
            int level = level(s);
            System.out.printf("%-24s %-24s %-24s %10d %12d %12d %-9s %s%n", s.name().stream(), TimeArg.format(s.name().minTs()),
                    TimeArg.format(s.name().maxTs()), s.name().rows(), s.name().rawBytes(), size(s),
                    s.name().codec().configName() + " " + (level == LevelRecord.UNKNOWN ? "?" : level), dir.relativize(s.path()));
        }
        return 0;
    }

    private Map<String, Object> describe(SealedSegment s) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stream", s.name().stream());
        m.put("first", TimeArg.format(s.name().minTs()));
        m.put("last", TimeArg.format(s.name().maxTs()));
        m.put("first_ms", s.name().minTs());
        m.put("last_ms", s.name().maxTs());
        m.put("rows", s.name().rows());
        m.put("raw_bytes", s.name().rawBytes());
        m.put("sealed_bytes", size(s));
        m.put("codec", s.name().codec().configName());
        int level = level(s);
        m.put("level", level == LevelRecord.UNKNOWN ? null : level);
        m.put("path", dir.relativize(s.path()).toString());
        return m;
    }

    /** The level the file was compressed at (a few bytes near its end), or UNKNOWN when it records none or went. */
    private static int level(SealedSegment s) throws Exception {
        Integer level = MovedFiles.read(s, s.path(), LevelRecord::read);
        return level == null ? LevelRecord.UNKNOWN : level;
    }

    private static long size(SealedSegment s) throws Exception {
        Long size = MovedFiles.read(s, s.path(), Files::size); // where an uploader beside us moved it since it was listed
        return size == null ? 0 : size;
    }
}
