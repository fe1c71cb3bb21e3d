package dev.cistern.cli;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.RemoteWriteClient;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.agent.remotewrite.prompb.WriteV2;
import dev.cistern.spool.Codec;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.Verifier;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * The agent is kill -9'ed at random moments while clients send numbered samples (Remote-Write 1.0 and 2.0,
 * float samples and native histograms, one row per number); after the last
 * restart and a clean shutdown every acknowledged sample is in sealed output exactly once, and no
 * sample at all appears twice. Odd samples go to a zstd stream, even ones to Brotli. More cycles: mvn -Plong-crash (200), or -Dcistern.crash.cycles=N.
 */
class CrashTest {
    private static final int PER_REQUEST = 250;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @Test
    void everyAcknowledgedSampleIsSealedExactlyOnceAcrossKill9() throws Exception {
        int cycles = Integer.getInteger("cistern.crash.cycles", 20);
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("crash.yaml");
        Files.writeString(config, "upload:\n  to: \"file:" + dir.resolve("uploads") + "\"\n  scan_interval: 300ms\n" + """
                spool:
                  quality: auto
                  quality_min: 1
                  quality_max: 3
                  rotate_rows: 1500
                  rotate_age: 700ms
                journal:
                  roll_cycle: TEST_SECONDLY
                  max_lag_bytes: 64MiB
                ingest:
                  remote_write:
                    max_age: 36500d
                routing:
                  default_stream: metrics
                  rules:
                    - stream: odd
                      labels: {parity: odd}
                  streams:
                    odd: {codec: zstd, level: 3, window: 27}
                """);
        SplittableRandom rnd = new SplittableRandom(20251122);
        AtomicLong nextSeq = new AtomicLong();
        BitSet acked = new BitSet();
        for (int cycle = 0; cycle < cycles; cycle++) {
            try (AgentProcess agent = AgentProcess.start(data, config, log)) {
                int port = agent.awaitPort();
                AtomicBoolean running = new AtomicBoolean(true);
                Thread[] clients = new Thread[2];
                for (int c = 0; c < clients.length; c++) {
                    clients[c] = new Thread(() -> send(port, nextSeq, acked, running), "client-" + c);
                    clients[c].start();
                }
                Thread.sleep(150 + rnd.nextInt(1200));
                agent.kill9();
                running.set(false);
                for (Thread t : clients) t.join(30_000);
            }
        }
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            agent.awaitPort();
            assertEquals(0, agent.terminate(), "clean shutdown exits 0; see " + log);
        }
        // rows are in sealed/ (not uploaded yet) or uploaded/ (uploaded and kept); each file once
        BitSet seen = new BitSet(); // a long cycle run seals tens of millions of samples
        long[] duplicates = {0};
        long[] neverSent = {0};
        long[] histogramRows = {0};
        Set<Codec> codecs = EnumSet.noneOf(Codec.class);
        try (var files = Files.walk(data)) {
            for (Path f : files.filter(p -> SegmentName.tryParse(p.getFileName().toString()) != null
                    && (p.startsWith(data.resolve("sealed")) || p.startsWith(data.resolve("uploaded")))).toList()) {
                codecs.add(SegmentName.parse(f.getFileName().toString()).codec());
                Scanner.lines(f, (b, off, len) -> {
                    String line = new String(b, off, len, StandardCharsets.UTF_8);
                    if (line.contains("\"histogram\":")) histogramRows[0]++;
                    int i = line.indexOf("\"ts\":") + 5;
                    long seq = Long.parseLong(line.substring(i, line.indexOf(',', i))) - T0;
                    if (seq < 0 || seq >= nextSeq.get()) neverSent[0]++;
                    else if (seen.get((int) seq)) duplicates[0]++;
                    else seen.set((int) seq);
                });
            }
        }
        assertEquals(0, duplicates[0], "samples sealed twice");
        BitSet missing = (BitSet) acked.clone();
        missing.andNot(seen);
        if (!missing.isEmpty()) diagnose(data, log);
        assertEquals(0, missing.cardinality(), "acknowledged samples missing (of " + acked.cardinality() + " acknowledged): "
                + ranges(missing) + "; data kept in " + dir);
        assertTrue(acked.cardinality() > cycles * PER_REQUEST, "the test acknowledged too little to mean anything: " + acked.cardinality());
        assertEquals(0, neverSent[0], "rows that were never sent");
        assertTrue(histogramRows[0] > 0, "native histogram rows were sealed");
        assertEquals(EnumSet.of(Codec.BROTLI, Codec.ZSTD), codecs, "both streams sealed in their codec");
        assertTrue(Files.exists(data.resolve("uploaded")), "the uploader ran during the crash cycles");
        try (var files = Files.walk(data.resolve("sealed"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertTrue(Verifier.verify(f).ok(), Verifier.verify(f).toString());
            }
        }
        assertEquals(0, Files.list(data.resolve("active")).count(), "no temp files after a clean shutdown");
    }

    /** On a loss, what CI's output should show: the agent's warnings and what is in quarantine. */
    private static void diagnose(Path data, Path log) throws IOException {
        List<String> warnings = Files.readAllLines(log).stream()
                .filter(l -> l.contains("WARN") || l.contains("SEVERE") || l.contains("listening on") || l.contains("applier: ")
                        || l.contains("recover")).toList();
        System.out.println("CrashTest: agent log lines of note (" + warnings.size() + "):");
        warnings.stream().skip(Math.max(0, warnings.size() - 200)).forEach(l -> System.out.println("  " + l));
        Path quarantine = data.resolve("quarantine");
        if (Files.isDirectory(quarantine)) {
            try (var files = Files.walk(quarantine)) {
                files.forEach(f -> System.out.println("CrashTest: quarantine holds " + data.relativize(f)));
            }
        }
    }

    /** The first few runs of set bits, as first-last sequence numbers. */
    private static String ranges(BitSet bits) {
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (int i = bits.nextSetBit(0); i >= 0 && shown < 10; shown++) {
            int end = bits.nextClearBit(i);
            b.append(shown > 0 ? ", " : "").append(i).append('-').append(end - 1);
            i = bits.nextSetBit(end);
        }
        return b.toString();
    }

    private static void send(int port, AtomicLong nextSeq, BitSet acked, AtomicBoolean running) {
        RemoteWriteClient client = new RemoteWriteClient("127.0.0.1", port);
        while (running.get()) {
            long first = nextSeq.getAndAdd(PER_REQUEST);
            // a mix: 1.0 floats, 2.0 floats, 1.0 native histograms, 2.0 native histograms; one row per sequence number each
            int kind = (int) (first / PER_REQUEST % 4);
            try {
                HttpResponse<String> r = kind % 2 == 0 ? client.write(v1(first, kind == 2))
                        : client.post("/api/v1/write", Snappy.compress(v2(first, kind == 3).toByteArray()),
                                "application/x-protobuf;proto=io.prometheus.write.v2.Request", "snappy");
                if (r.statusCode() == 204) {
                    synchronized (acked) {
                        acked.set((int) first, (int) (first + PER_REQUEST));
                    }
                }
            } catch (IOException e) {
                return; // the agent died mid-request: this one is unknown, neither acknowledged nor refused
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static RemoteWrite.WriteRequest v1(long first, boolean histograms) {
        RemoteWrite.TimeSeries.Builder even = RemoteWriteClient.series("crash_test_total", "parity", "even").toBuilder();
        RemoteWrite.TimeSeries.Builder odd = RemoteWriteClient.series("crash_test_total", "parity", "odd").toBuilder();
        for (long seq = first; seq < first + PER_REQUEST; seq++) {
            RemoteWrite.TimeSeries.Builder ts = seq % 2 == 0 ? even : odd;
            if (histograms) {
                ts.addHistograms(RemoteWrite.Histogram.newBuilder().setCountInt(1).setSum(seq).setTimestamp(T0 + seq)
                        .addPositiveSpans(RemoteWrite.BucketSpan.newBuilder().setLength(1)).addPositiveDeltas(1));
            } else {
                ts.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(T0 + seq).setValue(seq));
            }
        }
        return RemoteWrite.WriteRequest.newBuilder().addTimeseries(even).addTimeseries(odd).build();
    }

    private static WriteV2.Request v2(long first, boolean histograms) {
        WriteV2.TimeSeries.Builder even = WriteV2.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 2, 3, 4));
        WriteV2.TimeSeries.Builder odd = WriteV2.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 2, 3, 5));
        for (long seq = first; seq < first + PER_REQUEST; seq++) {
            WriteV2.TimeSeries.Builder ts = seq % 2 == 0 ? even : odd;
            if (histograms) {
                ts.addHistograms(WriteV2.Histogram.newBuilder().setCountFloat(0.5).setSum(seq).setSchema(3).setTimestamp(T0 + seq)
                        .addPositiveSpans(WriteV2.BucketSpan.newBuilder().setOffset(-2).setLength(1)).addPositiveCounts(0.5));
            } else {
                ts.addSamples(WriteV2.Sample.newBuilder().setTimestamp(T0 + seq).setValue(seq));
            }
        }
        return WriteV2.Request.newBuilder().addAllSymbols(List.of("", "__name__", "crash_test_total", "parity", "even", "odd"))
                .addTimeseries(even).addTimeseries(odd).build();
    }
}
