package dev.cistern.cli.faults;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.RemoteWriteClient;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.cli.AgentProcess;
import dev.cistern.cli.Delivered;
import dev.cistern.cli.NumberedSamples;
import dev.cistern.cli.SpoolWatch;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Issue 17's out-of-memory inputs against the real agent at {@code -Xmx64m} with {@code config/edge.yaml}:
 * concurrent 3.9 MiB NDJSON bodies, a remote_write body that decompresses to 10 MiB, bodies whose decoded
 * rows are several times their size (one that fits the in-flight budget, one that does not), and 200,000
 * distinct series. Every request is answered (204, 4xx, or
 * 503 with Retry-After), the agent stays up and healthy and keeps sealing, the series caches stay under
 * their cap, and every acknowledged row is sealed exactly once.
 */
class MemoryFaultTest {
    private static final int NDJSON_BASE = 50_000_000; // NDJSON rows are numbered apart from remote_write samples
    private static final int DENSE_BASE = 100_000_000; // and so are the dense remote_write bodies'

    @TempDir Path dir;
    private final Map<String, Integer> answers = new TreeMap<>();
    private final BitSet acked = new BitSet();

    @Test
    void smallHeapAnswersEveryRequestAndSealsWhatItAcknowledged() throws Exception {
        NumberedSamples cardinality = new NumberedSamples(true);
        run("edge", Map.of(), 5, client -> {
            cardinality.to(client.port());
            for (int r = 0; r < 100; r++) { // 200,000 series, each new
                int status = cardinality.sendUntilAccepted(2000, Duration.ofSeconds(30));
                assertTrue(status > 0, "a request of 2000 new series got no answer");
            }
            double cache = SpoolWatch.metric(client.http(), "cistern_series_cache_bytes", "");
            double cap = SpoolWatch.metric(client.http(), "cistern_series_cache_max_bytes", "");
            assertTrue(cap > 0 && cache <= cap && cap <= 16 << 20, "series caches hold " + cache + " bytes, cap " + cap); // a quarter
        });
        System.out.println("MemoryFaultTest: cardinality " + cardinality.answers());
        assertTrue(cardinality.acked().cardinality() >= 150_000, "too few series accepted: " + cardinality.answers());
        acked.or(cardinality.acked());
        assertSealedExactlyOnce();
    }

    /**
     * With edge.yaml's body limit raised to 16 MiB, over the in-flight budget (a sixth of the heap): the budget is not
     * raised to it (at -Xmx64m that left the heap thrashing, requests past 30 s), the start says so, and the 10 MiB
     * remote_write is refused by the budget.
     */
    @Test
    void aBodyLimitOverTheBudgetIsHeldByTheBudget() throws Exception {
        run("body16", Map.of("CISTERN_INGEST__MAX_BODY_BYTES", "16MiB"), 3, client -> {
            HttpResponse<String> alone = post(client.http(), "/api/v1/write", tenMiBBody(), "application/x-protobuf", "snappy");
            assertEquals(413, alone.statusCode(), alone.body());
            assertTrue(alone.body().contains("server.max_inflight_bytes"), alone.body());
        });
        assertSealedExactlyOnce();
        assertEquals(1, SpoolWatch.lines(dir.resolve("agent.log"), "ingest.max_body_bytes (16777216) is over the in-flight budget").size(),
                "the start warns that the body limit is held to the budget");
    }

    /** What the test sends besides the rounds of concurrent requests, while the agent runs. */
    private interface More {
        void send(Target client) throws Exception;
    }

    private record Target(RemoteWriteClient http, int port) {}

    /**
     * Starts the agent at -Xmx64m with edge.yaml and {@code env}, sends {@code rounds} rounds of concurrent requests
     * and then {@code more}; checks every request was answered, the agent stays healthy, writes everything
     * acknowledged into the spool and stops cleanly, having never run out of memory.
     */
    private void run(String name, Map<String, String> env, int rounds, More more) throws Exception {
        Path log = dir.resolve("agent.log");
        Path kept = Path.of("target", "MemoryFaultTest-" + name + "-agent.log").toAbsolutePath();
        try (AgentProcess agent = AgentProcess.start(data(), edgeConfig(dest()), log, env, List.of("-Xmx64m"))) {
            int port = agent.awaitPort();
            RemoteWriteClient client = new RemoteWriteClient("127.0.0.1", port);
            try {
                for (int round = 0; round < rounds; round++) concurrently(client, round);
                more.send(new Target(client, port));
                assertEquals(200, client.get("/healthz").statusCode(), "alive after the inputs: " + agent.state());
                assertEquals(200, client.get("/readyz").statusCode(), "ready after the inputs");
                awaitLagDrained(client);
                assertTrue(SpoolWatch.metric(client, "cistern_ingest_rejected_total", "reason=\"inflight_bytes\"")
                        + SpoolWatch.metric(client, "cistern_ingest_rejected_total", "reason=\"too_large\"") > 0,
                        "nothing was refused: " + SpoolWatch.metricLines(client, "cistern_ingest_rejected"));
            } finally {
                System.out.println("MemoryFaultTest: answers " + answers);
            }
            assertEquals(0, agent.terminate(), "clean stop; see " + kept);
        } finally {
            Files.copy(log, kept, StandardCopyOption.REPLACE_EXISTING);
        }
        assertEquals(List.of(), SpoolWatch.lines(log, "OutOfMemoryError"), "the agent ran out of memory");
    }

    private void assertSealedExactlyOnce() throws IOException {
        Delivered d = new Delivered().dir(data().resolve("sealed")).dir(data().resolve("uploaded")).dir(dest()).read();
        assertEquals(0, d.duplicateCount(), d.describe());
        assertEquals(0, d.missing(acked).cardinality(), "acknowledged rows not sealed: " + d.describe());
        assertTrue(acked.cardinality() > 0, "nothing acknowledged: " + answers);
    }

    private Path data() {
        return dir.resolve("data");
    }

    private Path dest() {
        return dir.resolve("outbox");
    }

    /** Two 3.9 MiB NDJSON bodies, two dense remote_write bodies, and one that decompresses to 10 MiB, all at once. */
    private void concurrently(RemoteWriteClient client, int round) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int first = NDJSON_BASE + (round * 2 + i) * 40_000; // 35,000 rows used of each 40,000
                all.add(pool.submit(() -> ndjson(client, first, 35_000)));
            }
            all.add(pool.submit(() -> dense(client, DENSE_BASE + round * 2_000_000, 150_000))); // fits the budget
            all.add(pool.submit(() -> dense(client, DENSE_BASE + round * 2_000_000 + 1_000_000, 350_000))); // does not
            all.add(pool.submit(() -> tenMiB(client)));
            for (Future<?> f : all) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code n} rows of about 100 bytes: 3.9 MiB at 35,000. */
    private Void ndjson(RemoteWriteClient client, int first, int n) throws Exception {
        StringBuilder b = new StringBuilder(n * 104);
        for (int i = 0; i < n; i++) {
            b.append("{\"ts\":").append(T0 + first + i).append(",\"host\":\"edge-042\",\"msg\":\"")
                    .append("x".repeat(40)).append(i % 1000).append("\"}\n");
        }
        record(post(client, "/api/v1/ingest?stream=logs", b.toString().getBytes(StandardCharsets.UTF_8), "application/x-ndjson", null),
                first, n);
        return null;
    }

    /** One series, {@code n} samples of 9 bytes each on the wire: decoded, each is 16 bytes, and more while it is read. */
    private Void dense(RemoteWriteClient client, int first, int n) throws Exception {
        RemoteWrite.TimeSeries.Builder s = RemoteWriteClient.series("dense", "job", "fault").toBuilder();
        for (int i = 0; i < n; i++) s.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(T0 + first + i));
        byte[] body = Snappy.compress(RemoteWrite.WriteRequest.newBuilder().addTimeseries(s).build().toByteArray());
        record(post(client, "/api/v1/write", body, "application/x-protobuf", "snappy"), first, n);
        return null;
    }

    /** A remote_write body that decompresses to 10 MiB (over edge.yaml's 4 MiB limit, and over the budget at 16 MiB): refused. */
    private Void tenMiB(RemoteWriteClient client) throws Exception {
        HttpResponse<String> r = post(client, "/api/v1/write", tenMiBBody(), "application/x-protobuf", "snappy");
        record(r, 0, 0);
        assertTrue(r.statusCode() == 413 || r.statusCode() == 503 || r.statusCode() == 400, r.statusCode() + " " + r.body());
        return null;
    }

    private static byte[] tenMiB;

    private static synchronized byte[] tenMiBBody() throws IOException {
        if (tenMiB != null) return tenMiB;
        RemoteWrite.TimeSeries.Builder s = RemoteWriteClient.series("ten_mib", "job", "fault").toBuilder();
        // one timestamp for all: the body compresses to well under 1 MiB, and what it decompresses to is what counts
        for (int i = 0; i < 1_170_000; i++) s.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(T0));
        byte[] raw = RemoteWrite.WriteRequest.newBuilder().addTimeseries(s).build().toByteArray();
        assertTrue(raw.length > 10 << 20, "decompresses to " + raw.length);
        tenMiB = Snappy.compress(raw);
        return tenMiB;
    }

    private static HttpResponse<String> post(RemoteWriteClient c, String path, byte[] body, String type, String enc) throws Exception {
        long start = System.nanoTime();
        try {
            return c.post(path, body, type, enc);
        } catch (IOException e) {
            throw new AssertionError("a " + body.length + "-byte request to " + path + " got no answer after "
                    + (System.nanoTime() - start) / 1_000_000 + " ms: " + e, e);
        }
    }

    private synchronized void record(HttpResponse<String> r, int first, int n) {
        int s = r.statusCode();
        answers.merge(s == 204 ? "204" : s + " " + r.body().strip(), 1, Integer::sum);
        assertTrue(s == 204 || (s >= 400 && s < 500 && s != 408) || s == 503, "answered " + s + ": " + r.body());
        if (s == 503) assertTrue(r.headers().firstValue("Retry-After").isPresent(), "503 without Retry-After");
        if (s == 204) acked.set(first, first + n);
    }

    /** The lanes write everything acknowledged into the spool: sealing goes on. */
    private static void awaitLagDrained(RemoteWriteClient client) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        double lag;
        while ((lag = SpoolWatch.metric(client, "cistern_journal_lag_entries", "")) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(0, lag, "journal entries never written into the spool: " + SpoolWatch.metricLines(client, "cistern_"));
    }

    /** config/edge.yaml, uploading to {@code dest}. */
    private Path edgeConfig(Path dest) throws IOException {
        String edge = Files.readString(Path.of("..", "config", "edge.yaml"));
        String mine = edge.replace("to: \"file:/mnt/outbox\"", "to: \"file:" + dest + "\"");
        assertTrue(!mine.equals(edge), "config/edge.yaml no longer uploads to file:/mnt/outbox; update this test");
        Path p = dir.resolve("edge.yaml");
        Files.writeString(p, mine);
        return p;
    }
}
