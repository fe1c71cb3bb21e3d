package dev.cistern.jmh;

import dev.cistern.cli.bench.Corpus;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.spool.StreamWriter;
import java.io.IOException;
import java.nio.file.Path;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Rows/s scanned back from sealed segments (decode + line split + filter), without a filter and
 * with each kind of row filter. One operation is one row read from disk, matched or not.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@State(Scope.Benchmark)
public class ScanBenchmark {
    static final int ROWS = 500_000;

    /** none: every row; name: one metric name; label: one label value; text: case-insensitive search. */
    @Param({"none", "name", "label", "text"})
    String filter;

    @Param("4")
    int quality;

    @Param("../shared/corpus/k8s-node.prom")
    String corpus;

    private Path dir;
    private Scanner scanner;
    private ScanQuery query;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Corpus.Rows rows = Corpus.load(Path.of(corpus)).generate(ROWS, 42);
        dir = TempDirs.create("cistern-jmh-scan-");
        try (Spool spool = Spool.open(SpoolConfig.builder(dir).quality(quality).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("bench");
            for (int i = 0; i < ROWS; i++) w.append(rows.series()[i], rows.timestamps()[i], rows.values()[i]);
        }
        scanner = Scanner.of(dir);
        query = switch (filter) {
            case "none" -> ScanQuery.all();
            case "name" -> ScanQuery.builder().name("container_memory_working_set_bytes").build();
            case "label" -> ScanQuery.builder().label("namespace", "payments").build();
            case "text" -> ScanQuery.builder().text("PAYMENTS").build();
            default -> throw new IllegalArgumentException("unknown filter " + filter);
        };
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long scan(Blackhole bh) throws IOException {
        Scanner.Summary s = scanner.scan(query, row -> {
            bh.consume(row);
            return true;
        });
        if (s.rowsRead() != ROWS) throw new IllegalStateException("read " + s.rowsRead() + " rows, expected " + ROWS);
        return s.matched();
    }

    /** The same scan giving rows as bytes (what {@code cistern cat} uses): no Row or String per row. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long scanBytes(Blackhole bh) throws IOException {
        Scanner.Summary s = scanner.scanBytes(query, (stream, b, off, len) -> {
            bh.consume(len);
            return true;
        });
        if (s.rowsRead() != ROWS) throw new IllegalStateException("read " + s.rowsRead() + " rows, expected " + ROWS);
        return s.matched();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        TempDirs.delete(dir);
    }
}
