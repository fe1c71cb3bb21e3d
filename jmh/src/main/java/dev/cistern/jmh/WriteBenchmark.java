package dev.cistern.jmh;

import dev.cistern.cli.bench.Corpus;
import dev.cistern.spool.Series;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.spool.StreamWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rows/s appending pre-generated metric rows through a {@link StreamWriter} into a spool on disk,
 * with the default rotation (so sealing and its fsyncs are included). One operation is one row,
 * so {@code -prof gc}'s {@code gc.alloc.rate.norm} is heap bytes allocated per row.
 * Each benchmark thread writes its own spool.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@State(Scope.Thread)
public class WriteBenchmark {
    /** Rows per benchmark call; pre-generated rows are reused in a cycle. */
    static final int BATCH = 1000;
    static final int ROWS = 1000 * BATCH;

    @Param({"1", "4", "5"})
    int quality;

    @Param("22")
    int window;

    @Param("../shared/corpus/k8s-node.prom")
    String corpus;

    private Series[] series;
    private long[] timestamps;
    private double[] values;
    private int next;
    private Path dir;
    private Spool spool;
    private StreamWriter writer;
    private final Queue<Path> sealed = new ConcurrentLinkedQueue<>();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Corpus.Rows rows = Corpus.load(Path.of(corpus)).generate(ROWS, 42);
        series = rows.series();
        timestamps = rows.timestamps();
        values = rows.values();
        dir = TempDirs.create("cistern-jmh-write-");
        spool = Spool.open(SpoolConfig.builder(dir).quality(quality).window(window).shardsPerStream(1).build());
        spool.onSealed(s -> sealed.add(s.path()));
        writer = spool.writer("bench");
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void append() throws IOException {
        int i = next;
        for (int end = i + BATCH; i < end; i++) writer.append(series[i], timestamps[i], values[i]);
        next = i == ROWS ? 0 : i;
    }

    /** Sealed files are not what is measured: delete them so a long run does not fill the disk. */
    @TearDown(Level.Iteration)
    public void deleteSealed() throws IOException {
        for (Path p; (p = sealed.poll()) != null; ) Files.deleteIfExists(p);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        spool.close();
        TempDirs.delete(dir);
    }
}
