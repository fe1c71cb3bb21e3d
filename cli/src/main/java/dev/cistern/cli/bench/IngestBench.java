package dev.cistern.cli.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * End-to-end ingest benchmark: pre-encoded remote_write requests, sent over loopback to an agent,
 * timed until acknowledged and until sealed, with ack latency percentiles and process CPU.
 */
public final class IngestBench {
    private static final long SEAL_TIMEOUT_MILLIS = 30 * 60_000L;

    /** What one run measured. */
    public record Result(long samples, int requests, int connections, String quality, int window, int samplesPerRequest,
                         double acceptedSeconds, double sealedSeconds, double p50Millis, double p99Millis,
                         double cpuSeconds, double clientCpuSeconds, long retries, long rawBytes,
                         long compressedBytes, long files, long bodyBytes, boolean sealsOpenSegments, long warmupSamples,
                         double sealerCpuSeconds, double httpCpuSeconds, double jitCpuSeconds, String protocol,
                         long histogramSamples) {

        /**
         * One line of JSON; {@code seconds} is end to end (until sealed). Bytes per histogram sample are the sealed bytes
         * per row when every sample is a histogram (--histogram-share 1), else null: a segment mixes both kinds.
         */
        public String toJson() {
            String perHistogram = histogramSamples > 0 && histogramSamples == samples
                    ? String.format(Locale.ROOT, "%.2f", (double) compressedBytes / samples) : "null";
            return String.format(Locale.ROOT, "{\"protocol\":\"%s\",\"histogram_samples\":%d,\"histogram_rows_per_s\":%.0f,"
                            + "\"sealed_bytes_per_histogram_sample\":%s,\"sealed_bytes_per_sample\":%.2f,",
                    protocol, histogramSamples, histogramSamples / sealedSeconds, perHistogram,
                    samples == 0 ? 0.0 : (double) compressedBytes / samples)
                    + String.format(Locale.ROOT,
                    "\"samples\":%d,\"seconds\":%.4f,\"samples_per_s_accepted\":%.0f,\"samples_per_s_sealed\":%.0f,"
                            + "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"cpu_seconds\":%.3f,\"cpu_s_per_million_samples\":%.3f,"
                            + "\"ratio\":%.2f,\"files\":%d,\"accepted_seconds\":%.4f,\"client_cpu_seconds\":%.3f,"
                            + "\"agent_cpu_s_per_million_samples\":%.3f,\"requests\":%d,\"samples_per_request\":%d,"
                            + "\"connections\":%d,\"quality\":%s,\"window\":%d,\"retries\":%d,\"body_bytes\":%d,"
                            + "\"raw_bytes\":%d,\"sealed_bytes\":%d,\"includes_sealing\":%b,\"warmup_samples\":%d,"
                            + "\"sealer_cpu_seconds\":%.2f,\"http_cpu_seconds\":%.2f,\"jit_cpu_seconds\":%.2f}",
                    samples, sealedSeconds, samples / acceptedSeconds, samples / sealedSeconds, p50Millis, p99Millis,
                    cpuSeconds, cpuSeconds / (samples / 1e6), compressedBytes == 0 ? 0.0 : (double) rawBytes / compressedBytes,
                    files, acceptedSeconds, clientCpuSeconds, (cpuSeconds - clientCpuSeconds) / (samples / 1e6), requests,
                    samplesPerRequest, connections, quality.matches("\\d+") ? quality : '"' + quality + '"', window, retries, bodyBytes,
                    rawBytes, compressedBytes,
                    sealsOpenSegments, warmupSamples, sealerCpuSeconds, httpCpuSeconds, jitCpuSeconds);
        }
    }

    private IngestBench() {}

    /**
     * Sends {@code warmup} (may be null) and waits until it is sealed, then runs the measured load
     * against {@code target}. Requests are encoded before, so encoding is never timed.
     */
    public static Result run(RemoteWriteRequests warmup, RemoteWriteRequests requests, IngestTarget target, int connections,
                             String quality, int window, int samplesPerRequest) throws IOException, InterruptedException {
        return run(warmup, requests, target, connections, quality, window, samplesPerRequest, 0);
    }

    /**
     * As {@link #run(RemoteWriteRequests, RemoteWriteRequests, IngestTarget, int, String, int, int)}, the measured load paced
     * at a rate in samples per second (0: none).
     */
    public static Result run(RemoteWriteRequests warmup, RemoteWriteRequests requests, IngestTarget target, int connections,
                             String quality, int window, int samplesPerRequest, double samplesPerSecond)
            throws IOException, InterruptedException {
        if (warmup != null) {
            new IngestLoad(warmup, target.writeUrl(), connections).run(() -> { });
            target.awaitDrained(SEAL_TIMEOUT_MILLIS);
            target.sealOpen();
        }
        long[] sealed0 = target.sealedTotals();
        long samples = totalSamples(requests);
        IngestLoad load = new IngestLoad(requests, target.writeUrl(), connections, samplesPerSecond);
        long[] clock = new long[2];
        List<Map<String, Long>> threadCpu = new ArrayList<>();
        load.run(() -> {
            threadCpu.add(ThreadCpu.snapshot());
            clock[0] = System.nanoTime();
            clock[1] = processCpuNanos();
        });
        long accepted = System.nanoTime();
        target.awaitDrained(SEAL_TIMEOUT_MILLIS);
        threadCpu.add(ThreadCpu.snapshot()); // before the agent's threads end
        target.finish();
        long sealed = System.nanoTime();
        long cpu = processCpuNanos() - clock[1];
        Map<String, Double> byThread = ThreadCpu.between(threadCpu.get(0), threadCpu.get(1));
        System.err.println("cistern bench ingest: CPU by thread until the journal was drained: " + ThreadCpu.describe(byThread));
        long[] sealed1 = target.sealedTotals();
        if (target.sealsOpenSegments() && sealed1[3] - sealed0[3] != samples) {
            throw new IllegalStateException("sealed " + (sealed1[3] - sealed0[3]) + " rows, expected " + samples);
        }
        long[] lat = load.latencyNanos().clone();
        Arrays.sort(lat);
        return new Result(samples, requests.count(), connections, quality, window, samplesPerRequest,
                (accepted - clock[0]) / 1e9, (sealed - clock[0]) / 1e9, percentile(lat, 0.50) / 1e6,
                percentile(lat, 0.99) / 1e6, cpu / 1e9, load.clientCpuNanos() / 1e9, load.retries(),
                sealed1[0] - sealed0[0], sealed1[1] - sealed0[1], sealed1[2] - sealed0[2], requests.totalBodyBytes(),
                target.sealsOpenSegments(), warmup == null ? 0 : totalSamples(warmup),
                ThreadCpu.sum(byThread, "cistern-apply", "cistern-sealer"), ThreadCpu.sum(byThread, "cistern-http", "HTTP-Dispatcher"),
                ThreadCpu.sum(byThread, "C1 Compiler", "C2 Compiler"), requests.protocol().name().toLowerCase(Locale.ROOT),
                requests.histogramSamples());
    }

    private static long totalSamples(RemoteWriteRequests r) {
        long n = 0;
        for (int i = 0; i < r.count(); i++) n += r.samples(i);
        return n;
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** CPU time of this whole process so far, in nanoseconds; 0 where the JVM does not say. */
    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
