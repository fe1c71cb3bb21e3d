package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.spool.Row;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteWriteRoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path data;

    @Test
    void sealedRowsEqualSamplesSentWithExactLabelsAndValues() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        Map<String, Double> expected = new HashMap<>(); // "name|pod|ts" -> value
        try (Agent agent = TestAgents.start(data, "CISTERN_INGEST__STATIC_LABELS__CLUSTER", "prod-1",
                "CISTERN_SPOOL__ROTATE_ROWS", "700")) {
            RemoteWriteClient client = TestAgents.client(agent);
            for (int r = 0; r < 20; r++) {
                RemoteWrite.WriteRequest.Builder req = RemoteWrite.WriteRequest.newBuilder();
                for (int s = 0; s < 10; s++) {
                    String pod = "pod-" + s + (s == 3 ? "\"quoted\" \\ é" : "");
                    RemoteWrite.TimeSeries.Builder ts = RemoteWriteClient.series("container_cpu_usage_seconds_total",
                            "namespace", "shop", "pod", pod).toBuilder();
                    for (int k = 0; k < 5; k++) {
                        long t = 1763773200000L + (r * 5 + k) * 15_000L;
                        double v = switch (k) {
                            case 0 -> rnd.nextDouble() * 1e6;
                            case 1 -> Math.rint(rnd.nextDouble() * 1e12);
                            case 2 -> -rnd.nextDouble();
                            case 3 -> 1e-300 * rnd.nextDouble();
                            default -> rnd.nextLong();
                        };
                        ts.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(t).setValue(v));
                        expected.put("container_cpu_usage_seconds_total|" + pod + "|" + t, v);
                    }
                    req.addTimeseries(ts);
                }
                HttpResponse<String> resp = client.write(req.build());
                assertEquals(204, resp.statusCode(), resp.body());
            }
        }
        List<Row> rows = new ArrayList<>();
        Scanner.of(data).scan(ScanQuery.all(), rows::add);
        assertEquals(expected.size(), rows.size(), "one row per sample");
        for (Row row : rows) {
            assertEquals("metrics", row.stream());
            JsonNode n = JSON.readTree(row.json());
            JsonNode labels = n.get("labels");
            assertEquals("shop", labels.get("namespace").asText());
            assertEquals("prod-1", labels.get("cluster").asText(), "static label added");
            assertTrue(labels.get("__name__") == null, "__name__ becomes the row name, not a label");
            String key = n.get("name").asText() + "|" + labels.get("pod").asText() + "|" + n.get("ts").asLong();
            Double v = expected.remove(key);
            assertTrue(v != null, "unexpected or duplicate row " + row.json());
            assertEquals(Double.doubleToLongBits(v), Double.doubleToLongBits(n.get("value").asDouble()), row.json());
        }
        assertTrue(expected.isEmpty());
    }

    @Test
    void routesRowsByNameAndLabelAndCountsDrops() throws Exception {
        Path cfg = data.resolveSibling(data.getFileName() + "-routing.yaml");
        java.nio.file.Files.writeString(cfg, """
                routing:
                  default_stream: ""
                  rules:
                    - stream: cost
                      name_prefix: container_cpu
                    - stream: cost
                      labels: {job: kube-state-metrics}
                    - stream: observability
                      name_regex: "container_.*"
                """);
        var config = dev.cistern.agent.config.ConfigLoader.load(cfg, Map.of(),
                Map.of("data_dir", data.toString(), "listen", "127.0.0.1:0", "upload.to", "",
                        "ingest.remote_write.max_age", "36500d")); // fixed timestamps
        try (Agent agent = Agent.start(config)) {
            RemoteWrite.WriteRequest req = RemoteWrite.WriteRequest.newBuilder()
                    .addTimeseries(RemoteWriteClient.series("container_cpu_usage_seconds_total").toBuilder()
                            .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(1).setValue(1)))
                    .addTimeseries(RemoteWriteClient.series("kube_pod_info", "job", "kube-state-metrics").toBuilder()
                            .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(2).setValue(1)))
                    .addTimeseries(RemoteWriteClient.series("node_load1").toBuilder()
                            .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(3).setValue(1)))
                    .build();
            assertEquals(204, TestAgents.client(agent).write(req).statusCode());
            agent.close();
            String metrics = agent.metrics().scrape();
            assertTrue(metrics.contains("cistern_rows_dropped_total{reason=\"unrouted\"} 1.0"), metrics);
        }
        Map<String, List<String>> byStream = new HashMap<>();
        Scanner.of(data).scan(ScanQuery.all(), r -> byStream.computeIfAbsent(r.stream(), k -> new ArrayList<>()).add(r.name()));
        assertEquals(List.of("container_cpu_usage_seconds_total", "kube_pod_info"), byStream.get("cost").stream().sorted().toList());
        assertEquals(List.of("container_cpu_usage_seconds_total"), byStream.get("observability"));
        assertEquals(2, byStream.size(), "node_load1 matched nothing and was dropped");
    }
}
