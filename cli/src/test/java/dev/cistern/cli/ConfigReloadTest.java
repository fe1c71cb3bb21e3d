package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, 4: the real agent reloads its config file on SIGHUP and on POST /-/reload (admin listener, off by
 * default): a live key takes effect, a restart-only key is reported and keeps its value, and a broken file is
 * refused, counted, and leaves the agent running on the config it had.
 */
class ConfigReloadTest {
    private static final String DEEP_ROW = "{\"a\":{\"b\":{\"c\":1}}}\n"; // nesting depth 3
    private static final Pattern ADMIN = Pattern.compile("admin \\(POST /-/reload\\) on [^:]+:(\\d+)");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static String config(int maxDepth, String inflight, String extra) {
        return "upload:\n  to: \"\"\nserver:\n  max_inflight_bytes: " + inflight + "\ningest:\n  ndjson:\n    max_depth: " + maxDepth
                + "\n" + extra;
    }

    @Test
    void sighupTakesLiveKeysReportsRestartKeysAndRefusesABrokenFile() throws Exception {
        Path cfg = dir.resolve("cistern.yaml");
        Files.writeString(cfg, config(64, "32MiB", ""));
        try (AgentProcess agent = AgentProcess.start(dir.resolve("data"), cfg, dir.resolve("agent.log"))) {
            String base = "http://127.0.0.1:" + agent.awaitPort();
            assertEquals(204, ndjson(base, null).statusCode());
            assertEquals(404, post(base + "/-/reload", null).statusCode(), "no reload on the ingest listener, and no admin one by default");

            Files.writeString(cfg, config(2, "48MiB", ""));
            hangUp(agent);
            awaitMetric(base, "cistern_config_reloads_total{result=\"success\"} 1.0", agent);
            String m = awaitMetric(base, "cistern_config_restart_pending 1.0", agent);
            HttpResponse<String> refused = ndjson(base, null);
            assertEquals(400, refused.statusCode(), "ingest.ndjson.max_depth is live: " + refused.body());
            assertTrue(refused.body().contains("deep"), refused.body());
            assertTrue(m.contains("cistern_http_inflight_max_bytes 3.3554432E7"), "server.max_inflight_bytes needs a restart");
            assertTrue(agent.log().contains("changed live: ingest.ndjson.max_depth; needs a restart: server.max_inflight_bytes"),
                    agent.log());

            Files.writeString(cfg, "ingest: [\n  ndjson: {max_depth: 64\n");
            hangUp(agent);
            awaitMetric(base, "cistern_config_reloads_total{result=\"failure\"} 1.0", agent);
            awaitMetric(base, "cistern_config_last_reload_successful 0.0", agent); // a scrape may read it before the counter
            assertTrue(agent.log().contains("config reload (SIGHUP): refused, the running config stays: " + cfg + ":"), agent.log());
            assertEquals(400, ndjson(base, null).statusCode(), "the config in force before the broken file stays");

            Files.writeString(cfg, config(64, "32MiB", "spool:\n  quality: 12\n"));
            hangUp(agent);
            awaitMetric(base, "cistern_config_reloads_total{result=\"failure\"} 2.0", agent);
            assertTrue(agent.log().contains("config key 'spool.quality': must be 0-11, was 12"), agent.log());
            assertEquals(400, ndjson(base, null).statusCode());

            Files.writeString(cfg, config(64, "32MiB", ""));
            hangUp(agent);
            awaitMetric(base, "cistern_config_reloads_total{result=\"success\"} 2.0", agent);
            m = awaitMetric(base, "cistern_config_last_reload_successful 1.0", agent);
            assertTrue(m.contains("cistern_config_restart_pending 0.0"), m);
            assertEquals(204, ndjson(base, null).statusCode());
            assertEquals(0, agent.terminate(), agent.log());
        }
    }

    @Test
    void startedUnderNohupItSaysSighupWillNotReload() throws Exception {
        Path cfg = dir.resolve("cistern.yaml");
        Files.writeString(cfg, config(64, "32MiB", ""));
        try (AgentProcess agent = AgentProcess.startThrough("nohup", dir.resolve("data"), cfg, dir.resolve("agent.log"))) {
            agent.awaitPort();
            assertTrue(agent.log().contains("SIGHUP is ignored in this process"), agent.log());
            assertTrue(agent.log().contains("POST /-/reload"), "and says what to do instead: " + agent.log());
        }
    }

    @Test
    void postReloadOnTheAdminListenerNeedsTheTokenAndAnswersWhatChanged() throws Exception {
        Path cfg = dir.resolve("cistern.yaml");
        Path token = dir.resolve("token");
        Files.writeString(token, "s3cret\n");
        String common = "auth:\n  bearer_token_file: " + token + "\nadmin:\n  listen: 127.0.0.1:0\n";
        Files.writeString(cfg, config(64, "32MiB", common));
        try (AgentProcess agent = AgentProcess.start(dir.resolve("data"), cfg, dir.resolve("agent.log"))) {
            String base = "http://127.0.0.1:" + agent.awaitPort();
            Matcher at = ADMIN.matcher(agent.log());
            assertTrue(at.find(), agent.log());
            String admin = "http://127.0.0.1:" + at.group(1);
            assertEquals(200, get(admin + "/healthz").statusCode());
            assertTrue(get(admin + "/metrics").body().contains("cistern_config_reloads_total{result=\"failure\"} 0.0"));
            assertEquals(404, post(base + "/-/reload", "s3cret").statusCode(), "the reload is on the admin listener only");
            assertEquals(401, post(admin + "/-/reload", null).statusCode());
            assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(admin + "/-/reload")).header("Authorization", "Bearer s3cret")
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            Files.writeString(cfg, config(2, "32MiB", common + "spool:\n  quality: 3\n"));
            HttpResponse<String> taken = post(admin + "/-/reload", "s3cret");
            assertEquals(200, taken.statusCode(), taken.body());
            assertTrue(taken.body().contains("\"status\":\"success\",\"changed\":[\"ingest.ndjson.max_depth\"],"
                    + "\"needs_restart\":[\"spool.quality\"]"), taken.body());
            assertEquals(400, ndjson(base, "s3cret").statusCode());

            Files.writeString(cfg, config(64, "32MiB", common + "retention:\n  overflow: sideways\n"));
            HttpResponse<String> refused = post(admin + "/-/reload", "s3cret");
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("\"status\":\"failure\",\"error\":\"config key 'retention.overflow':"), refused.body());
            assertEquals(400, ndjson(base, "s3cret").statusCode(), "the refused file changed nothing");
            String m = get(admin + "/metrics").body();
            assertTrue(m.contains("cistern_config_reloads_total{result=\"success\"} 1.0")
                    && m.contains("cistern_config_reloads_total{result=\"failure\"} 1.0"), m);
            assertEquals(0, agent.terminate(), agent.log());
        }
    }

    private HttpResponse<String> ndjson(String base, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1/ingest?stream=events"))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(DEEP_ROW));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void hangUp(AgentProcess agent) throws Exception {
        agent.assumeHangupDelivered();
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(agent.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -HUP " + agent.pid());
    }

    /** The /metrics text once it holds {@code series} (the reload runs off the signal thread). */
    private String awaitMetric(String base, String series, AgentProcess agent) throws Exception {
        String m = "";
        for (int i = 0; i < 300 && !m.contains(series); i++) {
            if (i > 0) Thread.sleep(100);
            m = get(base + "/metrics").body();
        }
        assertTrue(m.contains(series), "no " + series + " after 30 s; the agent " + agent.state() + "; log:\n" + agent.log());
        return m;
    }
}
