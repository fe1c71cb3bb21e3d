package dev.cistern.cli;

import dev.cistern.uploader.Destination;
import dev.cistern.uploader.UploadSummary;
import dev.cistern.uploader.Uploader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "replay", description = {
        "Upload again what is kept in uploaded/ for a stream and time range (to refill a bucket, or to send "
                + "to a second destination). Files stay where they are.",
        "Exit code 1 when any file did not go up."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Spool directory.")
    Path dir;

    @Option(names = "--stream", description = "Only this stream (repeatable; default all).")
    List<String> streams = List.of();

    @Option(names = "--from", required = true, converter = TimeArg.class, description = "Files with rows at or after this time.")
    long from;

    @Option(names = "--to", required = true, converter = TimeArg.class, description = "Files with rows before this time.")
    long to;

    /** Checked in call(), so that the old name gets its own message first. */
    @Option(names = "--dest", description = "Destination URI (s3://..., presigned+https://..., file:///...).")
    String dest;

    /** The old name, refused with the new one. */
    @Option(names = "--to-dest", hidden = true)
    String oldDest;

    @Mixin
    UploadOptions options;

    @Override
    public Integer call() throws Exception {
        Cli.refuseRenamed(spec, oldDest, "--to-dest", "--dest");
        Cli.require(spec, dest, "--dest=<URI>");
        Cli.requireSpoolDir(dir);
        if (from >= to) throw new IllegalArgumentException("--from must be before --to");
        Destination destination = options.destination(dest);
        try (Uploader uploader = Uploader.builder(dir, destination).policy(options.policy().build()).build()) {
            UploadSummary s = uploader.replay(streams, from, to);
            if (options.json) UploadReport.printJson(s, destination.name(), options.dryRun);
            else UploadReport.print(System.out, s, destination.name(), options.dryRun);
            return s.allUploaded() ? 0 : 1;
        }
    }
}
