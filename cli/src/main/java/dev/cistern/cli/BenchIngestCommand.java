package dev.cistern.cli;

import dev.cistern.cli.bench.BenchHistograms;
import dev.cistern.cli.bench.Corpus;
import dev.cistern.cli.bench.IngestBench;
import dev.cistern.cli.bench.IngestTarget;
import dev.cistern.cli.bench.RemoteWriteRequests;
import dev.cistern.spool.Series;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ingest", description = {
        "Send remote_write requests built from a Prometheus text file to an agent over loopback on "
                + "--connections connections (an agent started in this process on 127.0.0.1 with a fresh data directory, or --url), "
                + "wait until everything is sealed, and print one JSON object with the result as the last line.",
        "Requests are encoded before the clock starts. CPU is this process's, sender threads included."})
final class BenchIngestCommand implements Callable<Integer> {
    @Mixin
    BenchOptions input;

    @Option(names = "--samples", defaultValue = "2000000", description = "Samples to send (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--connections", defaultValue = "4", description = "Concurrent connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--samples-per-request", defaultValue = "2000",
            description = "Samples per request, like Prometheus' max_samples_per_send (default ${DEFAULT-VALUE}).")
    int samplesPerRequest;

    @Option(names = "--warmup-samples", defaultValue = "0",
            description = "Samples sent and sealed before the clock starts, so the JIT has compiled the hot paths "
                    + "(default ${DEFAULT-VALUE}).")
    int warmupSamples;

    @Option(names = "--warmup-samples-per-request", defaultValue = "200",
            description = "Samples per warm-up request (default ${DEFAULT-VALUE}): small requests run the per-request code "
                    + "(HTTP, journal append) often enough for the JIT to finish compiling it, "
                    + "as it has in an agent that has run for a while.")
    int warmupSamplesPerRequest;

    @Option(names = "--ingest-threads", defaultValue = "4",
            description = "HTTP threads of the in-process agent (default ${DEFAULT-VALUE}).")
    int ingestThreads;

    @Option(names = "--journal-sync",
            description = "Run the in-process agent with journal.sync: sync (every acknowledged request on disk).")
    boolean journalSync;

    @Option(names = "--data",
            description = "Parent for the in-process agent's fresh data directory (default: the system temp dir); deleted after.")
    Path dataParent;

    @Option(names = "--protocol", defaultValue = "v1",
            description = "Remote-Write protocol: v1 (prometheus.WriteRequest) or v2 (io.prometheus.write.v2.Request, a symbols "
                    + "table per request), the same rows either way (default ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--histogram-share", defaultValue = "0",
            description = "Share 0..1 of the corpus' series sent as native histogram samples (one row each) instead of floats, "
                    + "in either protocol (default ${DEFAULT-VALUE}).")
    double histogramShare;

    @Option(names = "--rate", defaultValue = "0",
            description = "Samples per second to send at (an open-loop pace over the connections); 0 sends as fast as the agent "
                    + "answers (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--url", description = "Send to an agent already running here (e.g. http://127.0.0.1:9464) instead; "
            + "'sealed' then means written into its spool (it seals by age and size), and the CPU figures cover this process only.")
    URI url;

    @Override
    public Integer call() throws Exception {
        if (samples < 1) throw new IllegalArgumentException("--samples must be at least 1");
        if (connections < 1) throw new IllegalArgumentException("--connections must be at least 1");
        if (samplesPerRequest < 1) throw new IllegalArgumentException("--samples-per-request must be at least 1");
        if (warmupSamples < 0) throw new IllegalArgumentException("--warmup-samples must not be negative");
        if (warmupSamplesPerRequest < 1) throw new IllegalArgumentException("--warmup-samples-per-request must be at least 1");
        if (!(rate >= 0)) throw new IllegalArgumentException("--rate must not be negative");
        if (!(histogramShare >= 0 && histogramShare <= 1)) throw new IllegalArgumentException("--histogram-share must be within 0..1");
        RemoteWriteRequests.Protocol p = switch (protocol) {
            case "v1" -> RemoteWriteRequests.Protocol.V1;
            case "v2" -> RemoteWriteRequests.Protocol.V2;
            default -> throw new IllegalArgumentException("--protocol must be v1 or v2, is '" + protocol + "'");
        };
        long t0 = System.nanoTime();
        Corpus c = Corpus.load(input.corpus);
        Set<Series> histograms = BenchHistograms.pick(c.samples(), histogramShare);
        RemoteWriteRequests requests = RemoteWriteRequests.encode(p, c.generate(samples, 42), samplesPerRequest, histograms);
        RemoteWriteRequests warmup = warmupSamples > 0
                ? RemoteWriteRequests.encode(p, c.generate(warmupSamples, 7), warmupSamplesPerRequest, histograms) : null;
        System.err.printf("cistern bench ingest: %d requests, %d bytes encoded in %.1f s%n",
                requests.count(), requests.totalBodyBytes(), (System.nanoTime() - t0) / 1e9);
        IngestBench.Result r;
        if (url != null) {
            try (IngestTarget target = IngestTarget.remote(url)) {
                r = IngestBench.run(warmup, requests, target, connections, input.quality, input.window, samplesPerRequest, rate);
            }
        } else {
            Path parent = dataParent != null ? Files.createDirectories(dataParent) : Path.of(System.getProperty("java.io.tmpdir"));
            try (IngestTarget target = IngestTarget.inProcess(Files.createTempDirectory(parent, "cistern-bench-ingest-"),
                    input.quality, input.window, ingestThreads, journalSync)) {
                r = IngestBench.run(warmup, requests, target, connections, input.quality, input.window, samplesPerRequest, rate);
            }
        }
        System.out.println(r.toJson());
        return 0;
    }
}
