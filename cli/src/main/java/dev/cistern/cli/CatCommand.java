package dev.cistern.cli;

import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cat", description = "Print rows as NDJSON: from a spool directory (filtered) or from segment files.")
final class CatCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", description = "A spool directory, or one or more .json.br segment files.")
    List<Path> inputs;

    @Option(names = "--stream", description = "Only this stream (repeatable).")
    List<String> streams = List.of();

    @Option(names = "--from", converter = TimeArg.class, description = "Rows at or after this time.")
    Long from;

    @Option(names = "--to", converter = TimeArg.class, description = "Rows before this time.")
    Long to;

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
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false);
        int problems = 0;
        try {
            for (Path input : inputs) {
                if (Files.isDirectory(input)) problems += catSpool(input, out);
                else problems += catFile(input, out);
            }
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
        return q.build();
    }

    private int catSpool(Path dir, PrintStream out) throws Exception {
        Cli.requireSpoolDir(dir);
        Scanner.Summary s = Scanner.of(dir).scan(query(), row -> { // the scan applies --offset and --limit
            out.print(row.json());
            out.print('\n');
            return true;
        });
        for (String p : s.problems()) System.err.println("cistern cat: " + p);
        return s.problems().size();
    }

    private int catFile(Path file, OutputStream out) {
        try {
            Scanner.lines(file, (b, off, len) -> {
                out.write(b, off, len);
                out.write('\n');
            });
            return 0;
        } catch (Exception e) {
            System.err.println("cistern cat: " + file + ": " + e.getMessage());
            return 1;
        }
    }
}
