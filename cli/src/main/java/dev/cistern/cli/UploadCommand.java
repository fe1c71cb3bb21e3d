package dev.cistern.cli;

import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.uploader.AfterUpload;
import dev.cistern.uploader.Destination;
import dev.cistern.uploader.UploadItem;
import dev.cistern.uploader.UploadListener;
import dev.cistern.uploader.UploadOutcome;
import dev.cistern.uploader.UploadSummary;
import dev.cistern.uploader.Uploader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "upload", description = {
        "Upload the sealed segments of a spool directory, oldest first, without the agent (batch jobs, cron).",
        "Destinations: s3://BUCKET/PREFIX (credentials from the AWS SDK's default chain: environment, "
                + "profile, instance role), presigned+https://ALLOCATION-URL, or file:///TARGET.",
        "With --once: upload what waits now, then exit 0 when all went up, 1 when anything failed or was "
                + "quarantined (files that did not go up stay in place). Without it: keep watching until stopped."})
final class UploadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Spool directory.")
    Path dir;

    /** Checked in call(), so that the old name gets its own message first. */
    @Option(names = "--dest", description = "Destination URI (s3://..., presigned+https://..., file:///...).")
    String dest;

    /** The old name, refused with the new one: --from/--to are times in every command. */
    @Option(names = "--to", hidden = true)
    String oldTo;

    @Option(names = "--once", description = "Upload what waits now, then exit.")
    boolean once;

    @Option(names = "--after", defaultValue = "move",
            description = "After an upload: move (to uploaded/, for replay) or delete (default ${DEFAULT-VALUE}).")
    String after;

    @Mixin
    UploadOptions options;

    @Override
    public Integer call() throws Exception {
        Cli.refuseRenamed(spec, oldTo, "--to", "--dest");
        Cli.require(spec, dest, "--dest=<URI>");
        Cli.requireSpoolDir(dir);
        Destination destination = options.destination(dest);
        int waiting = Scanner.of(dir).segments(ScanQuery.waitingForUpload()).size();
        Progress progress = new Progress("upload", waiting, 10);
        UploadListener stepper = new UploadListener() {
            @Override
            public void finished(String d, UploadItem item, UploadOutcome outcome) {
                synchronized (progress) {
                    progress.step();
                }
            }
        };
        try (Uploader uploader = Uploader.builder(dir, destination)
                .policy(options.policy().afterUpload(AfterUpload.parse(after)).build())
                .listener(once ? stepper : new UploadListener() { })
                .build()) {
            if (once) {
                UploadSummary s;
                try (progress) {
                    s = uploader.runOnce();
                }
                if (options.json) UploadReport.printJson(s, destination.name(), options.dryRun);
                else UploadReport.print(System.out, s, destination.name(), options.dryRun);
                return s.allUploaded() ? 0 : 1;
            }
            CountDownLatch stop = new CountDownLatch(1);
            // TERM and INT end a clean stop that exits 0: uploads under way get their grace period
            // when the uploader closes (whatever is cut short goes up again next time, same key).
            Signal.handle(new Signal("TERM"), sig -> stop.countDown());
            Signal.handle(new Signal("INT"), sig -> stop.countDown());
            uploader.start();
            System.err.println("cistern: uploading " + dir + " to " + destination.name() + "; Ctrl-C to stop");
            stop.await();
            System.err.println("cistern: stopping; " + uploader.metrics());
        }
        return 0;
    }
}
