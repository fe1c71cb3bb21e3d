package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;
import com.sun.net.httpserver.HttpServer;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real sender: the distribution's Prometheus (2.42, installed by .ci/run) with native histograms on, scraping a
 * target that exposes one in the protobuf exposition format, remote-writes to the agent (a child JVM). Every
 * native histogram sample Prometheus stored (its own HTTP API) is in sealed output with the same count, sum and
 * buckets, and Prometheus counts no failed sample or histogram.
 */
class PrometheusNativeHistogramTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir Path dir;

    @Test
    void everyHistogramPrometheusStoredIsSealedWithTheSameCountSumAndBuckets() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS), "needs /usr/bin/prometheus (apt-get install prometheus; .ci/run does)");
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        AtomicInteger scrapes = new AtomicInteger();
        AtomicBoolean serving = new AtomicBoolean(true);
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/metrics", ex -> {
            byte[] body = serving.get() ? exposition(scrapes.incrementAndGet()) : new byte[0];
            ex.getResponseHeaders().set("Content-Type",
                    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");
            ex.sendResponseHeaders(serving.get() ? 200 : 503, body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        target.start();
        Process prometheus = null;
        JsonNode stored;
        Path agentConfig = dir.resolve("agent.yaml");
        Files.writeString(agentConfig, "upload:\n  to: \"\"\n");
        try (AgentProcess agent = AgentProcess.start(data, agentConfig, log)) {
            int agentPort = agent.awaitPort();
            int promPort = freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: nh
                        static_configs:
                          - targets: ["127.0.0.1:%d"]
                    remote_write:
                      - url: http://127.0.0.1:%d/api/v1/write
                        send_native_histograms: true
                        queue_config:
                          batch_send_deadline: 500ms
                          min_backoff: 100ms
                          max_backoff: 1s
                    """.formatted(target.getAddress().getPort(), agentPort));
            prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + promPort, "--enable-feature=native-histograms")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            String api = "http://127.0.0.1:" + promPort;
            awaitHistograms(api, 6);
            serving.set(false); // no new samples from here on (a failed scrape sends stale markers, which are rows too)
            Thread.sleep(2000);
            stored = histograms(api);
            int n = stored.size();
            awaitSent(api, n);
            assertEquals(0, promMetric(api, "prometheus_remote_storage_samples_failed_total"), "failed samples; see prometheus.log");
            assertEquals(0, promMetric(api, "prometheus_remote_storage_histograms_failed_total"), "failed histograms");
            prometheus.destroy();
            prometheus.waitFor(30, TimeUnit.SECONDS);
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        } finally {
            if (prometheus != null) prometheus.destroyForcibly();
            target.stop(0);
        }
        Map<Long, JsonNode> sealed = new HashMap<>();
        Scanner.of(data).scan(ScanQuery.all(), r -> {
            try {
                JsonNode row = JSON.readTree(r.json());
                if (row.has("histogram") && row.get("name").asText().equals("nh_latency_seconds")
                        && !row.get("histogram").get("sum").asText().equals("stale")) {
                    assertTrue(sealed.put(row.get("ts").asLong(), row.get("histogram")) == null, "twice: " + r.json());
                }
                return true;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        compare(stored, sealed); // what Prometheus stored, read once no new sample could come
    }

    private void compare(JsonNode stored, Map<Long, JsonNode> sealed) {
        assertTrue(stored.size() >= 6, "Prometheus stored " + stored.size());
        assertEquals(stored.size(), sealed.size(), "one sealed row per histogram sample Prometheus stored");
        for (JsonNode s : stored) {
            long ts = Math.round(s.get(0).asDouble() * 1000);
            JsonNode p = s.get(1);
            JsonNode row = sealed.get(ts);
            assertTrue(row != null, "no sealed row at " + ts);
            assertEquals(p.get("count").asDouble(), row.get("count").asDouble(), "count at " + ts);
            assertEquals(p.get("sum").asDouble(), row.get("sum").asDouble(), "sum at " + ts);
            JsonNode pb = p.get("buckets");
            JsonNode rb = row.get("buckets");
            assertEquals(pb.size(), rb.size(), "buckets at " + ts + ": " + pb + " vs " + rb);
            for (int i = 0; i < pb.size(); i++) {
                assertEquals(pb.get(i).get(1).asDouble(), rb.get(i).get(0).asDouble(), 1e-12, "lower bound at " + ts);
                assertEquals(pb.get(i).get(2).asDouble(), rb.get(i).get(1).asDouble(), 1e-12, "upper bound at " + ts);
                assertEquals(pb.get(i).get(3).asDouble(), rb.get(i).get(2).asDouble(), "bucket count at " + ts);
            }
        }
    }

    /**
     * Scrape {@code n}: a native histogram of schema 0 with zero threshold 0.001: zero bucket n, negative bucket
     * [-2,-1) n, positive buckets (0.5,1] n, (1,2] 2n, (4,8] n; count 6n, sum 3.25n.
     */
    static byte[] exposition(int n) throws IOException {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(h);
        o.writeUInt64(1, 6L * n); // sample_count
        o.writeDouble(2, 3.25 * n); // sample_sum
        o.writeSInt32(5, 0); // schema
        o.writeDouble(6, 0.001); // zero_threshold
        o.writeUInt64(7, n); // zero_count
        o.writeByteArray(9, span(1, 1)); // negative_span
        o.writeSInt64(10, n); // negative_delta
        o.writeByteArray(12, span(0, 2)); // positive_span
        o.writeByteArray(12, span(1, 1));
        o.writeSInt64(13, n);
        o.writeSInt64(13, n);
        o.writeSInt64(13, -n);
        o.flush();
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        CodedOutputStream mo = CodedOutputStream.newInstance(m);
        mo.writeByteArray(7, h.toByteArray()); // Metric.histogram
        mo.flush();
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        CodedOutputStream fo = CodedOutputStream.newInstance(f);
        fo.writeString(1, "nh_latency_seconds");
        fo.writeString(2, "A native histogram.");
        fo.writeEnum(3, 4); // HISTOGRAM
        fo.writeByteArray(4, m.toByteArray());
        fo.flush();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream d = CodedOutputStream.newInstance(out);
        d.writeUInt32NoTag(f.size()); // delimited
        d.writeRawBytes(f.toByteArray());
        d.flush();
        return out.toByteArray();
    }

    private static byte[] span(int offset, int length) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(b);
        o.writeSInt32(1, offset);
        o.writeUInt32(2, length);
        o.flush();
        return b.toByteArray();
    }

    private void awaitHistograms(String api, int atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                if (histograms(api).size() >= atLeast) return;
            } catch (IOException notYet) {
                // Prometheus is starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus did not store " + atLeast + " native histograms in 90 s; see prometheus.log in " + dir);
    }

    /** The native histogram samples Prometheus stored, from its query API: [[seconds, {count, sum, buckets}], ...]. */
    private JsonNode histograms(String api) throws Exception {
        String q = URLEncoder.encode("nh_latency_seconds[10m]", StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query=" + q)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException(r.statusCode() + " " + r.body());
        JsonNode result = JSON.readTree(r.body()).get("data").get("result");
        return result.size() == 0 || result.get(0).get("histograms") == null ? JSON.createArrayNode() : result.get(0).get("histograms");
    }

    private void awaitSent(String api, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (promMetric(api, "prometheus_remote_storage_histograms_total") >= n
                    && promMetric(api, "prometheus_remote_storage_histograms_pending") == 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus did not send " + n + " histograms in 60 s; see prometheus.log in " + dir);
    }

    /** A metric from Prometheus' own /metrics, summed over its label sets. */
    private double promMetric(String api, String name) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(api + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
