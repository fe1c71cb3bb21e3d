package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, 6: docs/metrics.md lists exactly the cistern_* metrics /metrics serves; counters with
 * known labels are there at zero before any event; latency is a histogram; the breaker is one 0/1
 * gauge per state; the journal's disk bytes agree across the two gauges that report them.
 */
class MetricsDocTest {
    private static final Pattern SERVED = Pattern.compile("^# TYPE (cistern_\\w+) (\\w+)", Pattern.MULTILINE);
    private static final Pattern DOCUMENTED = Pattern.compile("`(cistern_[a-z_]+)`");

    @TempDir Path dir;

    @Test
    void docsListExactlyWhatIsServed() throws Exception {
        String doc = Files.readString(docs().resolve("metrics.md"));
        Set<String> documented = new TreeSet<>();
        Matcher d = DOCUMENTED.matcher(doc);
        while (d.find()) documented.add(d.group(1));
        Set<String> served = new TreeSet<>();
        // a stream with its own event time: its unparsable-time counter is served from zero
        try (Agent agent = TestAgents.start(dir.resolve("data"), "CISTERN_INGEST__NDJSON__STREAMS__LOGS__EVENT_TIME__FORMAT", "auto")) {
            RemoteWriteClient c = TestAgents.client(agent);
            assertEquals(204, c.write(RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWriteClient.series("up", "job", "x")
                    .toBuilder().addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(1763773200000L).setValue(1))).build())
                    .statusCode());
            agent.spool().sealAll();
            String body = c.get("/metrics").body();
            for (int i = 0; i < 600 && !body.contains("cistern_upload_attempt_seconds"); i++) { // the sealed file's upload
                Thread.sleep(100);
                body = c.get("/metrics").body();
            }
            Matcher m = SERVED.matcher(body);
            while (m.find()) served.add(m.group(1));
        }
        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeIf(name -> documented.contains(name) || documented.contains(name.replaceAll("_(total|max)$", "")));
        Set<String> notServed = new TreeSet<>(documented);
        notServed.removeIf(name -> served.stream().anyMatch(s -> s.equals(name) || s.equals(name + "_total")
                || s.equals(name + "_max") || s.replaceAll("_(total|max)$", "").equals(name)));
        assertTrue(undocumented.isEmpty(), "served but not in docs/metrics.md: " + undocumented);
        assertTrue(notServed.isEmpty(), "in docs/metrics.md but not served: " + notServed);
    }

    @Test
    void knownLabelsAtZeroHistogramsBreakerStatesAndOneJournalFigure() throws Exception {
        try (Agent agent = TestAgents.start(dir.resolve("data"))) {
            String m = TestAgents.client(agent).get("/metrics").body();
            for (String series : new String[] {
                "cistern_ingest_rejected_total{endpoint=\"remote_write\",reason=\"spool_full\"} 0.0",
                "cistern_ingest_rejected_total{endpoint=\"ndjson\",reason=\"malformed_json\"} 0.0",
                "cistern_rows_dropped_total{reason=\"unrouted\"} 0.0",
                "cistern_sealer_failures_total 0.0",
                "cistern_upload_breaker_state{destination=", "state=\"closed\"} 1.0",
                "state=\"open\"} 0.0", "state=\"half_open\"} 0.0",
                "cistern_build_info{java=\"" + System.getProperty("java.version") + "\",revision=\""}) {
                assertTrue(m.contains(series), "metrics lack " + series);
            }
            TestAgents.client(agent).get("/healthz");
            String after = TestAgents.client(agent).get("/metrics").body();
            assertTrue(after.contains("cistern_http_requests_seconds_bucket{endpoint=\"healthz\",status=\"200\",le="), after);
            assertEquals(value(after, "cistern_journal_disk_bytes"), value(after, "cistern_spool_disk_bytes{area=\"journal\"}"));
        }
    }

    private static double value(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1));
        }
        throw new AssertionError("no " + series);
    }

    private static Path docs() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("docs"))) p = p.getParent();
        return p.resolve("docs");
    }
}
