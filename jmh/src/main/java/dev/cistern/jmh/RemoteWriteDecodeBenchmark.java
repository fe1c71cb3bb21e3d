package dev.cistern.jmh;

import dev.cistern.agent.remotewrite.DecodedRequest;
import dev.cistern.agent.remotewrite.RemoteWriteHandoff;
import dev.cistern.agent.remotewrite.RemoteWriteRules;
import dev.cistern.agent.remotewrite.SeriesCache;
import dev.cistern.cli.bench.BenchHistograms;
import dev.cistern.cli.bench.Corpus;
import dev.cistern.cli.bench.RemoteWriteRequests;
import dev.cistern.spool.Labels;
import dev.cistern.spool.Series;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xerial.snappy.Snappy;

/**
 * Samples/s validating and decoding remote_write requests on an HTTP thread ({@link RemoteWriteHandoff#decode} for
 * 1.0, {@link RemoteWriteHandoff#decodeV2} for 2.0), the same {@code k8s-node.prom} rows either way, shaped as
 * {@code bench ingest} sends them (2,000 samples a request, one TimeSeries per sample). Bodies are decompressed in
 * setup, so snappy is not measured. One operation is one sample: {@code gc.alloc.rate.norm} is heap bytes per sample.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@State(Scope.Thread)
public class RemoteWriteDecodeBenchmark {
    static final int SAMPLES_PER_REQUEST = 2000;
    static final int REQUESTS = 50;

    @Param({"v1", "v2"})
    String protocol;

    @Param({"0", "0.25"})
    double histogramShare;

    @Param("../shared/corpus/k8s-node.prom")
    String corpus;

    private byte[][] raw;
    private RemoteWriteHandoff handoff;
    private int next;

    @Setup
    public void setup() throws IOException {
        Corpus c = Corpus.load(Path.of(corpus));
        RemoteWriteRequests r = RemoteWriteRequests.encode(RemoteWriteRequests.Protocol.valueOf(protocol.toUpperCase()),
                c.generate(SAMPLES_PER_REQUEST * REQUESTS, 42), SAMPLES_PER_REQUEST,
                BenchHistograms.pick(c.samples(), histogramShare));
        raw = new byte[r.count()][];
        for (int i = 0; i < r.count(); i++) raw[i] = Snappy.uncompress(r.body(i));
        handoff = new RemoteWriteHandoff(1, index -> 0, (name, labels) -> new SeriesCache.Entry(Series.of(name, Labels.of(labels)), 1L),
                SeriesCache.defaultBudget(), 0);
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES_PER_REQUEST)
    public DecodedRequest decode() {
        byte[] b = raw[next];
        next = (next + 1) % raw.length;
        RemoteWriteRules.Limits all = RemoteWriteRules.Limits.SPOOL_RANGE;
        return protocol.equals("v2") ? handoff.decodeV2(b, b.length, RemoteWriteRules.DEFAULT, all)
                : handoff.decode(b, b.length, RemoteWriteRules.DEFAULT, all);
    }
}
