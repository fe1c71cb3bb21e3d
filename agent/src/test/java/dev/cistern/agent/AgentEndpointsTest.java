package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.config.ConfigLoader;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentEndpointsTest {
    @TempDir Path dir;

    private static RemoteWrite.WriteRequest oneSample(long ts) {
        return RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWriteClient.series("up", "job", "node").toBuilder()
                .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(ts).setValue(1))).build();
    }

    @Test
    void healthReadinessAndMetricsAreServed() throws Exception {
        try (Agent agent = TestAgents.start(dir.resolve("data"))) {
            RemoteWriteClient c = TestAgents.client(agent);
            assertEquals(200, c.get("/healthz").statusCode());
            assertEquals(200, c.get("/readyz").statusCode());
            assertEquals(204, c.write(oneSample(1763773200000L)).statusCode());
            assertEquals(400, c.post("/api/v1/ingest?stream=x", "nope".getBytes(), "application/x-ndjson", null).statusCode());
            agent.spool().sealAll();
            HttpResponse<String> m = c.get("/metrics");
            assertEquals(200, m.statusCode());
            for (String name : List.of("cistern_http_requests_seconds_count{endpoint=\"remote_write\",status=\"204\"} 1",
                    "cistern_ingest_samples_accepted_total 1.0", "cistern_ingest_rejected_total{endpoint=\"ndjson\",reason=\"malformed_json\"} 1.0",
                    "cistern_journal_disk_bytes", "cistern_journal_lag_entries", "cistern_segments_sealed_total",
                    "cistern_compression_ratio", "cistern_seal_seconds_count", "cistern_recovery_quarantined_files",
                    "jvm_memory_used_bytes", "process_cpu_usage")) {
                assertTrue(m.body().contains(name), "metrics lack " + name);
            }
        }
    }

    @Test
    void bearerTokenIsRequiredWhenConfigured() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "s3cret-token\n");
        var cfg = ConfigLoader.load(null, Map.of("CISTERN_AUTH__BEARER_TOKEN_FILE", token.toString()),
                Map.of("data_dir", dir.resolve("data").toString(), "listen", "127.0.0.1:0", "upload.to", "",
                        "ingest.remote_write.max_age", "36500d")); // fixed timestamps
        try (Agent agent = Agent.start(cfg)) {
            String url = "http://127.0.0.1:" + agent.address().getPort() + "/api/v1/write";
            byte[] body = RemoteWriteClient.encode(oneSample(1));
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy");
            assertEquals(401, http.send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(401, http.send(req.copy().header("Authorization", "Bearer wrong").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(204, http.send(req.copy().header("Authorization", "Bearer s3cret-token").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, TestAgents.client(agent).get("/healthz").statusCode(), "health needs no token");
        }
        assertEquals(1, Scanner.of(dir.resolve("data")).page(ScanQuery.all()).total());
    }

    @Test
    void servesTlsFromAPkcs12Keystore() throws Exception {
        Path ks = dir.resolve("server.p12");
        Path pass = dir.resolve("pass");
        Files.writeString(pass, "changeit");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-alias", "cistern", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2")
                .redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor());
        var cfg = ConfigLoader.load(null, Map.of("CISTERN_TLS__KEYSTORE_FILE", ks.toString(),
                        "CISTERN_TLS__KEYSTORE_PASSWORD_FILE", pass.toString()),
                Map.of("data_dir", dir.resolve("data").toString(), "listen", "127.0.0.1:0", "upload.to", "",
                        "ingest.remote_write.max_age", "36500d")); // fixed timestamps
        try (Agent agent = Agent.start(cfg)) {
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) {}
                public void checkServerTrusted(X509Certificate[] c, String a) {}
                public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, null);
            HttpClient https = HttpClient.newBuilder().sslContext(trustAll).build();
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + agent.address().getPort() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
        }
    }

    @Test
    void consumedJournalCyclesAreDeleted() throws Exception {
        Path data = dir.resolve("data");
        try (Agent agent = TestAgents.start(data, "CISTERN_JOURNAL__ROLL_CYCLE", "TEST_SECONDLY",
                "CISTERN_SPOOL__ROTATE_AGE", "300ms")) {
            RemoteWriteClient c = TestAgents.client(agent);
            long deadline = System.currentTimeMillis() + 9_000;
            long ts = 1763773200000L;
            int maxFiles = 0;
            while (System.currentTimeMillis() < deadline) {
                assertEquals(204, c.write(oneSample(ts++)).statusCode());
                Thread.sleep(20);
                maxFiles = Math.max(maxFiles, cycleFiles(data));
            }
            // ~9 one-second cycles were written; the housekeeping pass deletes sealed ones every 5 s
            assertTrue(cycleFiles(data) < 9, "consumed cycles were not deleted: " + cycleFiles(data) + " files");
        }
    }

    private static int cycleFiles(Path data) throws Exception {
        try (Stream<Path> s = Files.list(data.resolve("journal"))) {
            return (int) s.filter(p -> p.toString().endsWith(".cq4")).count();
        }
    }
}
