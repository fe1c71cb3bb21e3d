package dev.cistern.cli.bench;

import dev.cistern.agent.Agent;
import dev.cistern.agent.config.ConfigLoader;
import dev.cistern.spool.Codec;
import dev.cistern.spool.SpoolMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;

/** The agent a load is sent to: one started in this process, or one already running at a URL. */
public abstract class IngestTarget implements AutoCloseable {
    private static final long POLL_MILLIS = 5;

    /** Where remote_write requests go. */
    public abstract URL writeUrl();

    /** Waits until the journal holds nothing that is not written into the spool. */
    public abstract void awaitDrained(long timeoutMillis) throws IOException, InterruptedException;

    /** Seals open segments now (in-process); a remote agent seals by age and size, so nothing happens. */
    public abstract void sealOpen() throws IOException;

    /** Stops the in-process agent, which seals what is open; nothing for a remote agent. */
    public abstract void finish() throws IOException;

    /** Totals since the target was opened: raw NDJSON bytes sealed, Brotli bytes sealed, segments sealed, rows sealed. */
    public abstract long[] sealedTotals() throws IOException;

    /** Whether {@link #sealOpen} and {@link #finish} really seal (false for a remote agent). */
    public abstract boolean sealsOpenSegments();

    @Override
    public abstract void close() throws IOException;

    /** Starts an agent on 127.0.0.1 (free port) with a fresh data directory, deleted on close. */
    public static IngestTarget inProcess(Path dataDir, String quality, int window, int ingestThreads) throws IOException {
        return inProcess(dataDir, quality, window, ingestThreads, false);
    }

    /** @param journalSync {@code journal.sync: sync}: every acknowledged request is on disk */
    public static IngestTarget inProcess(Path dataDir, String quality, int window, int ingestThreads, boolean journalSync)
            throws IOException {
        return new InProcess(dataDir, quality, window, ingestThreads, journalSync);
    }

    /** An agent already running; {@code base} is like http://127.0.0.1:9464. */
    public static IngestTarget remote(URI base) throws IOException {
        return new Remote(base);
    }

    static void waitFor(DoubleSupplier pending, long timeoutMillis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (pending.getAsDouble() > 0) {
            if (System.nanoTime() > deadline) throw new IllegalStateException(what + " still pending after " + timeoutMillis + " ms");
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static final class InProcess extends IngestTarget {
        private final Path data;
        private final Agent agent;
        private final URL url;
        private boolean closed;

        InProcess(Path data, String quality, int window, int ingestThreads, boolean journalSync) throws IOException {
            this.data = data;
            // Same rotation as `bench write` (64 MiB raw, no row limit) so the two compare like for like.
            this.agent = Agent.start(ConfigLoader.load(null, Map.of(), Map.of(
                    "data_dir", data.toString(), "listen", "127.0.0.1:0",
                    "spool.quality", quality, "spool.window", Integer.toString(window),
                    "spool.rotate_rows", Long.toString(Long.MAX_VALUE), "spool.rotate_bytes", "64MiB",
                    "ingest.threads", Integer.toString(ingestThreads), "journal.sync", journalSync ? "sync" : "none",
                    "ingest.remote_write.max_age", "36500d", // the corpus' timestamps are fixed (2025-11-22), not now's
                    "upload.to", "")));  // the benchmark measures ingest; it must not upload into the working directory
            this.url = URI.create("http://127.0.0.1:" + agent.address().getPort() + "/api/v1/write").toURL();
        }

        @Override
        public URL writeUrl() {
            return url;
        }

        @Override
        public void awaitDrained(long timeoutMillis) throws InterruptedException {
            waitFor(() -> agent.metrics().registry().get("cistern.journal.lag.entries").gauge().value(), timeoutMillis,
                    "journal entries not written into the spool");
        }

        @Override
        public void sealOpen() throws IOException {
            agent.spool().sealAll();
        }

        @Override
        public void finish() throws IOException {
            if (!closed) {
                closed = true;
                agent.close();
                System.err.println("cistern bench ingest: segments sealed by level " + sealedByQuality(agent.spool().metrics()));
            }
        }

        private static Map<String, Long> sealedByQuality(SpoolMetrics m) {
            Map<String, Long> by = new LinkedHashMap<>();
            for (Codec c : Codec.values()) {
                for (int q = 0; q <= 22; q++) {
                    if (m.segmentsSealedAt(c, q) > 0) by.put(c.configName() + " " + q, m.segmentsSealedAt(c, q));
                }
            }
            return by;
        }

        @Override
        public long[] sealedTotals() {
            SpoolMetrics m = agent.spool().metrics();
            return new long[] {m.rawBytesSealed(), m.compressedBytesSealed(), m.segmentsSealed(), m.rowsSealed()};
        }

        @Override
        public boolean sealsOpenSegments() {
            return true;
        }

        @Override
        public void close() throws IOException {
            try {
                finish();
            } finally {
                try (Stream<Path> files = Files.walk(data)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        }
    }

    private static final class Remote extends IngestTarget {
        private final URI base;
        private final URL url;

        Remote(URI base) throws IOException {
            this.base = base;
            this.url = base.resolve("/api/v1/write").toURL();
        }

        @Override
        public URL writeUrl() {
            return url;
        }

        @Override
        public void awaitDrained(long timeoutMillis) throws InterruptedException {
            waitFor(() -> {
                try {
                    return value(scrape(), "cistern_journal_lag_entries");
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + base + "/metrics: " + e.getMessage(), e);
                }
            }, timeoutMillis, "journal entries not written into the spool");
        }

        @Override
        public void sealOpen() {
        }

        @Override
        public void finish() {
        }

        @Override
        public long[] sealedTotals() throws IOException {
            String m = scrape();
            return new long[] {(long) value(m, "cistern_sealed_raw_bytes_total"), (long) value(m, "cistern_sealed_compressed_bytes_total"),
                    (long) value(m, "cistern_segments_sealed_total"), (long) value(m, "cistern_sealed_rows_total")};
        }

        @Override
        public boolean sealsOpenSegments() {
            return false;
        }

        private String scrape() throws IOException {
            HttpURLConnection c = (HttpURLConnection) base.resolve("/metrics").toURL().openConnection();
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }

        /** Sum of a metric's samples over all its label sets in the Prometheus text format; 0 when absent. */
        static double value(String exposition, String metric) {
            double sum = 0;
            for (String line : exposition.split("\n")) {
                if (!line.startsWith(metric)) continue;
                char next = line.length() > metric.length() ? line.charAt(metric.length()) : ' ';
                if (next != ' ' && next != '{') continue;
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
            return sum;
        }

        @Override
        public void close() {
        }
    }
}
