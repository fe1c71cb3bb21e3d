package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.agent.remotewrite.prompb.WriteV2;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/** Remote-Write 2.0 and 1.0's histograms, exemplars and metadata, sent over HTTP and read back from sealed rows field by field. */
class RemoteWriteV2Test {
    static final String V2 = "application/x-protobuf;proto=io.prometheus.write.v2.Request";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1763773200000L;
    @TempDir Path data;

    static WriteV2.Histogram intHistogram(long ts) {
        return RemoteWriteV2TestRequests.intHistogram(ts);
    }

    static WriteV2.Request request() {
        return RemoteWriteV2TestRequests.request();
    }

    static HttpResponse<String> send(RemoteWriteClient c, WriteV2.Request r) throws Exception {
        return c.post("/api/v1/write", Snappy.compress(r.toByteArray()), V2, "snappy");
    }

    @Test
    void v2RequestRoundTripsFieldByField() throws Exception {
        try (Agent agent = TestAgents.start(data, "CISTERN_INGEST__STATIC_LABELS__CLUSTER", "prod-1")) {
            HttpResponse<String> resp = send(TestAgents.client(agent), request());
            assertEquals(204, resp.statusCode(), resp.body());
            assertEquals("2", resp.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(""));
            assertEquals("3", resp.headers().firstValue("X-Prometheus-Remote-Write-Histograms-Written").orElse(""));
            assertEquals("1", resp.headers().firstValue("X-Prometheus-Remote-Write-Exemplars-Written").orElse(""));
        }
        Map<String, JsonNode> rows = rows();
        assertEquals(8, rows.size(), rows.keySet().toString());
        JsonNode f = rows.get("value http_requests_total " + T0);
        assertEquals(12.0, f.get("value").asDouble());
        assertEquals("{\"cluster\":\"prod-1\",\"code\":\"200\"}", f.get("labels").toString());
        assertEquals(13.5, rows.get("value http_requests_total " + (T0 + 15_000)).get("value").asDouble());
        JsonNode ex = rows.get("exemplar http_requests_total " + (T0 + 1));
        assertEquals("{\"value\":0.25,\"labels\":{\"trace_id\":\"abc123\"}}", ex.get("exemplar").toString());
        assertEquals("{\"cluster\":\"prod-1\",\"code\":\"200\"}", ex.get("labels").toString());
        assertEquals("{\"type\":\"counter\",\"help\":\"Requests.\",\"unit\":\"\",\"created_ts\":" + (T0 - 1000) + "}",
                rows.get("metadata http_requests_total " + (T0 + 15_000)).get("metadata").toString());
        assertEquals("{\"type\":\"histogram\",\"help\":\"Latency.\",\"unit\":\"seconds\"}",
                rows.get("metadata rpc_seconds " + (T0 + 2)).get("metadata").toString());
        JsonNode h = rows.get("histogram rpc_seconds " + T0).get("histogram");
        assertEquals("{\"count\":11,\"sum\":7.5,\"schema\":0,\"zero_threshold\":0.001,\"zero_count\":1,\"reset\":\"no\","
                + "\"buckets\":[[-2.0,-1.0,4],[-0.001,0.001,1],[0.5,1.0,2],[1.0,2.0,3],[4.0,8.0,1]]}", h.toString());
        assertEquals("{\"cluster\":\"prod-1\"}", rows.get("histogram rpc_seconds " + T0).get("labels").toString());
        JsonNode fh = rows.get("histogram rpc_seconds " + (T0 + 1)).get("histogram");
        assertEquals(0.5, fh.get("count").asDouble());
        assertEquals(2, fh.get("schema").asInt());
        assertEquals(1, fh.get("buckets").size(), "the empty bucket is left out");
        assertEquals(Math.pow(2, -0.5), fh.get("buckets").get(0).get(0).asDouble(), 1e-15);
        assertEquals(Math.pow(2, -0.25), fh.get("buckets").get(0).get(1).asDouble(), 1e-15);
        assertEquals(0.5, fh.get("buckets").get(0).get(2).asDouble());
        assertEquals("[[\"-Inf\",0.1,1],[0.1,0.5,1],[0.5,1.0,3]]",
                rows.get("histogram rpc_seconds " + (T0 + 2)).get("histogram").get("buckets").toString());
    }

    @Test
    void v1HistogramsExemplarsAndMetadataAreStoredUnlessTurnedOff() throws Exception {
        RemoteWrite.WriteRequest req = RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(RemoteWriteClient.series("rpc_seconds", "job", "api").toBuilder()
                        .addHistograms(RemoteWrite.Histogram.parseFrom(intHistogram(T0).toByteString()))
                        .addExemplars(RemoteWrite.Exemplar.newBuilder().setValue(3).setTimestamp(T0)
                                .addLabels(RemoteWrite.Label.newBuilder().setName("trace_id").setValue("t1"))))
                .addMetadata(RemoteWrite.MetricMetadata.newBuilder().setType(3).setMetricFamilyName("rpc_seconds").setHelp("Latency.")
                        .setUnit("seconds"))
                .build();
        try (Agent agent = TestAgents.start(data)) {
            HttpResponse<String> resp = TestAgents.client(agent).write(req);
            assertEquals(204, resp.statusCode(), resp.body());
            assertEquals("1", resp.headers().firstValue("X-Prometheus-Remote-Write-Histograms-Written").orElse(""));
        }
        Map<String, JsonNode> rows = rows();
        assertEquals(3, rows.size(), rows.keySet().toString());
        assertEquals(11, rows.get("histogram rpc_seconds " + T0).get("histogram").get("count").asLong());
        assertEquals("{\"value\":3.0,\"labels\":{\"trace_id\":\"t1\"}}", rows.get("exemplar rpc_seconds " + T0).get("exemplar").toString());
        JsonNode meta = rows.get("metadata rpc_seconds none");
        assertEquals("{\"type\":\"histogram\",\"help\":\"Latency.\",\"unit\":\"seconds\"}", meta.get("metadata").toString());

        Path other = data.resolveSibling(data.getFileName() + "-off");
        try (Agent agent = TestAgents.start(other, "CISTERN_INGEST__REMOTE_WRITE__EXEMPLARS", "drop",
                "CISTERN_INGEST__REMOTE_WRITE__METADATA", "drop")) {
            assertEquals(204, TestAgents.client(agent).write(req).statusCode());
            assertEquals(204, send(TestAgents.client(agent), request()).statusCode());
            agent.close();
            String metrics = agent.metrics().scrape();
            assertTrue(metrics.contains("cistern_rows_dropped_total{reason=\"exemplar_not_kept\"} 2.0"), metrics);
            assertTrue(metrics.contains("cistern_rows_dropped_total{reason=\"metadata_not_kept\"} 3.0"), metrics);
        }
        List<String> kinds = new ArrayList<>();
        Scanner.of(other).scan(ScanQuery.all(), r -> kinds.add(kind(r.json())));
        assertEquals(6, kinds.size(), kinds.toString()); // 1 + 3 histograms, 2 float samples
        assertFalse(kinds.contains("exemplar") || kinds.contains("metadata"), kinds.toString());
    }

    private static String kind(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            for (String k : List.of("histogram", "exemplar", "metadata")) if (n.has(k)) return k;
            return "value";
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Sealed rows by "kind name ts". */
    private Map<String, JsonNode> rows() throws Exception {
        Map<String, JsonNode> out = new TreeMap<>();
        Scanner.of(data).scan(ScanQuery.all(), r -> {
            try {
                JsonNode n = JSON.readTree(r.json());
                String key = kind(r.json()) + " " + n.get("name").asText() + " " + (n.has("ts") ? n.get("ts").asText() : "none");
                assertTrue(out.put(key, n) == null, "twice: " + key);
                return true;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return out;
    }
}
