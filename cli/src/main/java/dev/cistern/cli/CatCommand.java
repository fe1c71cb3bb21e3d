package dev.cistern.cli;

import dev.cistern.agent.ndjson.EventTimeFormat;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.SpoolLayout;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cat", description = "Print rows as NDJSON from a spool directory, a destination folder or segment files, filtered alike.")
final class CatCommand implements Callable<Integer> {
    @Parameters(arity = "1..*",
            description = "Spool directories, folders of segments (a file: destination) or segment files (.json.br, .json.zst, .json.gz).")
    List<Path> inputs;

    @Option(names = "--stream", description = "Only this stream (repeatable).")
    List<String> streams = List.of();

    @Option(names = "--from", converter = TimeArg.class, description = "Rows at or after this time.")
    Long from;

    @Option(names = "--to", converter = TimeArg.class, description = "Rows before this time.")
    Long to;

    @Option(names = "--time-field", paramLabel = "FIELD",
            description = "Read --from/--to from this top-level field (an NDJSON stream's event_time field) instead of ts.")
    String timeField;

    @Option(names = "--time-format", paramLabel = "FORMAT", converter = TimeFormatArg.class,
            description = "How --time-field is written: epoch_ms (default), epoch_s, epoch_us, epoch_ns, rfc3339 or auto.")
    EventTimeFormat timeFormat;

    @Option(names = "--name", description = "Rows with this metric name.")
    String name;

    @Option(names = "--label", description = "Rows with this label, as key=value (repeatable).")
    Map<String, String> labels = Map.of();

    @Option(names = {"--grep", "--text"}, description = "Rows containing this text, ignoring case.")
    String text;

    @Option(names = "--offset", description = "Skip this many matching rows.")
    long offset;

    @Option(names = "--limit", description = "At most this many rows; 0 means all (default).")
    long limit;

    @Override
    public Integer call() throws Exception {
        // Rows go out as the bytes they decode to, in blocks of whole rows: no String or print per row.
        OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
        int problems = 0;
        List<Path> segments = new ArrayList<>();
        try {
            for (Path input : inputs) {
                if (!Files.exists(input)) {
                    System.err.println("cistern cat: " + input + ": no such file or directory");
                    problems++;
                } else if (Files.isDirectory(new SpoolLayout(input).sealed())) {
                    problems += cat(Scanner.of(input), input.toString(), out);
                } else if (Files.isDirectory(input) || SealedSegment.of(input) != null) {
                    segments.add(input); // a destination's tree or segment files: filtered alike
                } else {
                    problems += catUnnamed(input, out);
                }
            }
            if (!segments.isEmpty()) problems += cat(Scanner.ofFiles(segments), "the files given", out);
        } finally {
            out.flush();
        }
        return problems == 0 ? 0 : 1;
    }

    private ScanQuery query() {
        ScanQuery.Builder q = ScanQuery.builder().name(name).text(text).offset(offset).limit(limit);
        streams.forEach(q::stream);
        labels.forEach(q::label);
        if (from != null) q.from(from);
        if (to != null) q.to(to);
        if (timeField != null || timeFormat != null) {
            q.timeField(timeField == null ? "ts" : timeField, timeFormat == null ? EventTimeFormat.EPOCH_MS : timeFormat);
        }
        return q.build();
    }

    private boolean filtered() {
        return name != null || text != null || !streams.isEmpty() || !labels.isEmpty() || from != null || to != null;
    }

    /** Rows of a spool or a set of files; with --offset or --limit, the page and the total on stderr. */
    private int cat(Scanner scanner, String what, OutputStream out) throws Exception {
        Scanner.Summary s = scanner.copy(query(), out, false); // counts only for a page
        if (offset > 0 || limit > 0) {
            out.flush();
            long shownRows = Math.max(0, Math.min(s.matched() - offset, limit == 0 ? Long.MAX_VALUE : limit));
            String shown = shownRows == 0 ? "no rows past offset " + offset : "rows " + (offset + 1) + "-" + (offset + shownRows);
            System.err.println("cistern cat: " + shown + " of " + s.matched() + " matching in " + what);
        }
        for (String p : s.problems()) System.err.println("cistern cat: " + p);
        return s.problems().size();
    }

    /** A file whose name is not a segment name: its stream and times are unknown, so it can only be printed whole. */
    private int catUnnamed(Path file, OutputStream out) {
        if (filtered() || offset > 0 || limit > 0) {
            System.err.println("cistern cat: " + file + ": not a segment file name (stream.first.last....json.br/.zst/.gz), so "
                    + "filters cannot apply; rename it or cat it without filters");
            return 1;
        }
        try {
            Scanner.lines(file, (b, off, len) -> {
                out.write(b, off, len);
                out.write('\n');
            });
            return 0;
        } catch (Exception e) {
            System.err.println("cistern cat: " + file + ": " + Errors.describe(e));
            return 1;
        }
    }
}
