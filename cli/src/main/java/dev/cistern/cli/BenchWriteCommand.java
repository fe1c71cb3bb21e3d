package dev.cistern.cli;

import dev.cistern.cli.bench.Corpus;
import dev.cistern.spool.CodecSettings;
import dev.cistern.spool.Rotation;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.spool.StreamWriter;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "write", description = {
        "Generate metric rows from a Prometheus text file, write them through the spool with --threads threads, seal "
                + "everything, and print one JSON object with the result as the last line."})
final class BenchWriteCommand implements Callable<Integer> {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int CHUNK_ROWS = 8192;

    @Mixin
    BenchOptions input;

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows to write (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--threads", defaultValue = "1", description = "Writer threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--max-bytes", defaultValue = "67108864",
            description = "Rotate segments at this many raw bytes (default ${DEFAULT-VALUE}).")
    long maxBytes;

    @Option(names = "--warmup-rows", defaultValue = "200000", description = {
            "Rows written first to a throwaway spool, before the clock starts, so JIT compilation",
            "is not timed; 0 turns the warm-up off (default ${DEFAULT-VALUE})."})
    int warmupRows;

    @Option(names = "--out", required = true, description = "Spool directory to write; must be empty or absent.")
    Path out;

    @Option(names = "--dump-ndjson", description = "Also write the exact NDJSON bytes that were compressed to this file.")
    Path dump;

    @Override
    public Integer call() throws Exception {
        if (rows < 1) throw new IllegalArgumentException("--rows must be at least 1");
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1");
        CodecSettings codec = input.codecSettings();
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + out + " is not empty; give a new or empty directory");
                }
            }
        }
        Corpus.Rows data = Corpus.load(input.corpus).generate(rows, 42);
        if (warmupRows > 0) {
            warmUp(data);
            System.gc(); // the timed run starts on a clean heap
        }
        List<SealedSegment> sealed = new ArrayList<>();
        Timing timing = write(out, data, rows, sealed);
        long raw = 0;
        long compressed = 0;
        long sealedRows = 0;
        for (SealedSegment s : sealed) {
            raw += s.name().rawBytes();
            sealedRows += s.name().rows();
            compressed += Files.size(s.path());
        }
        if (sealedRows != rows) throw new IllegalStateException("sealed " + sealedRows + " rows, expected " + rows);
        if (dump != null) dumpNdjson();
        long decodeCpu = decodeCpuNanos(sealed);
        double seconds = timing.wallNanos() / 1e9;
        System.out.println(String.format(Locale.ROOT,
                "{\"rows\":%d,\"seconds\":%.4f,\"rows_per_s\":%.0f,\"raw_bytes\":%d,\"sealed_bytes\":%d,\"ratio\":%.2f,"
                        + "\"files\":%d,\"mb_per_s\":%.1f,\"threads\":%d,\"quality\":%d,\"window\":%d,\"cpu_s\":%.4f,"
                        + "\"codec\":\"%s\",\"level\":%d,\"codec_window\":%d,\"decode_cpu_s\":%.4f,\"decode_mb_per_cpu_s\":%.1f}",
                rows, seconds, rows / seconds, raw, compressed, (double) raw / compressed, sealed.size(),
                raw / seconds / 1e6, threads, input.fixedQuality(), input.window, timing.cpuNanos() / 1e9,
                codec.codec().configName(), codec.level(), codec.window(), decodeCpu / 1e9, raw / (decodeCpu / 1e9) / 1e6));
        return 0;
    }

    /**
     * Wall time from the first append to the last seal, and CPU time (user + system) of the threads
     * that appended and sealed over the same span: steadier than wall time on a busy machine.
     */
    private record Timing(long wallNanos, long cpuNanos) {}

    /**
     * Writes rows to a throwaway spool next to {@code --out} with the same settings, so the JIT has
     * compiled the write path before the clock starts; the directory is deleted afterwards.
     */
    private void warmUp(Corpus.Rows data) throws Exception {
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent, ".bench-warmup-");
        try {
            write(dir, data, Math.min(warmupRows, rows), new ArrayList<>());
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    /**
     * Writes the first {@code n} rows with {@code threads} threads into a new spool at {@code dir},
     * seals everything, and returns the time from the first append to the last seal.
     */
    private Timing write(Path dir, Corpus.Rows data, int n, List<SealedSegment> sealed) throws Exception {
        SpoolConfig config = SpoolConfig.builder(dir).quality(input.fixedQuality()).window(input.window).shardsPerStream(threads)
                .streamCodec("bench", input.codecSettings())
                .rotation(Rotation.DEFAULT.withMaxBytes(maxBytes).withMaxRows(Long.MAX_VALUE)).build();
        try (Spool spool = Spool.open(config)) {
            spool.onSealed(s -> {
                synchronized (sealed) {
                    sealed.add(s);
                }
            });
            StreamWriter writer = spool.writer("bench");
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            LongAdder cpu = new LongAdder();
            List<Thread> workers = new ArrayList<>();
            // Threads take rows in chunks as they go, so they finish together however the OS schedules them.
            AtomicInteger nextChunk = new AtomicInteger();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    try {
                        ready.countDown();
                        go.await();
                        long cpuStart = THREADS.getCurrentThreadCpuTime();
                        for (int from; (from = nextChunk.getAndAdd(CHUNK_ROWS)) < n; ) {
                            int to = Math.min(n, from + CHUNK_ROWS);
                            for (int i = from; i < to; i++) writer.append(data.series()[i], data.timestamps()[i], data.values()[i]);
                        }
                        cpu.add(THREADS.getCurrentThreadCpuTime() - cpuStart);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "bench-writer-" + t);
                workers.add(th);
                th.start();
            }
            ready.await();
            long start = System.nanoTime();
            go.countDown();
            for (Thread th : workers) th.join();
            long sealCpuStart = THREADS.getCurrentThreadCpuTime();
            spool.sealAll();
            cpu.add(THREADS.getCurrentThreadCpuTime() - sealCpuStart);
            long end = System.nanoTime();
            cpu.add(sealingThreadCpu(dir));
            if (failure.get() != null) throw new RuntimeException("writer failed", failure.get());
            return new Timing(end - start, cpu.sum());
        }
    }

    /** CPU time of the spool's own sealing thread, which finishes and syncs rotated segments. */
    private static long sealingThreadCpu(Path dir) {
        String name = "cistern-sealer-" + dir.getFileName();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) sum += Math.max(0, THREADS.getThreadCpuTime(t.getId()));
        }
        return sum;
    }

    /** CPU time of this thread to decode every sealed file, line by line (what cat, verify and the scanner do). */
    private static long decodeCpuNanos(List<SealedSegment> sealed) throws Exception {
        long[] lines = {0};
        long start = THREADS.getCurrentThreadCpuTime();
        for (SealedSegment s : sealed) Scanner.lines(s.path(), (b, off, len) -> lines[0]++);
        return THREADS.getCurrentThreadCpuTime() - start;
    }

    /** The decoded content of every sealed file, oldest first: exactly the bytes that were compressed. */
    private void dumpNdjson() throws Exception {
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(dump), 1 << 16)) {
            for (SealedSegment s : Scanner.of(out).segments(ScanQuery.all())) {
                Scanner.lines(s.path(), (b, off, len) -> {
                    o.write(b, off, len);
                    o.write('\n');
                });
            }
        }
    }
}
