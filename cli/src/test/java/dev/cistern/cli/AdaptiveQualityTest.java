package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.RemoteWriteClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spool.quality: auto} in the real agent: a load its ceiling (quality 11, far slower than any load
 * worth the name) cannot compress makes it use lower qualities, and nothing is refused for lag although
 * {@code journal.max_lag_bytes} is smaller than what the load sends (the lag stays under half of it); under light load every segment is
 * sealed at the ceiling.
 */
class AdaptiveQualityTest {
    private static final String CONFIG = """
            spool:
              quality: auto
              quality_min: 1
              quality_max: 11
              rotate_rows: 5000
              rotate_age: 500ms
            journal:
              max_lag_bytes: 8MiB
            """;
    private static final String SEALED_AT = "cistern_spool_quality_segments_total";

    /** Waits until this agent has sealed {@code rows} rows and its journal lag is zero. */
    private static boolean awaitSealed(RemoteWriteClient c, long rows, int seconds) throws Exception {
        for (int i = 0; i < seconds * 10; i++) {
            if (SpoolWatch.metric(c, "cistern_sealed_rows_total", "") >= rows
                    && SpoolWatch.metric(c, "cistern_journal_lag_bytes", "") == 0) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @Test
    void aLoadTheCeilingCannotKeepUpWithIsSealedAtLowerQualitiesAndNothingIsRefused() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, CONFIG);
        NumberedSamples samples = new NumberedSamples(true); // a series per sample: poorly compressible, slow at 11
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            int requests = 60; // more than max_lag_bytes, sent far faster than quality 11 compresses it
            RemoteWriteClient c = samples.client();
            double highestLag = 0;
            for (int i = 0; i < requests; i++) {
                assertEquals(204, samples.send(2000), "request " + i + " refused; see " + log);
                highestLag = Math.max(highestLag, SpoolWatch.metric(c, "cistern_journal_lag_bytes", ""));
            }
            assertTrue(highestLag < 4 << 20, "the lag stays well below max_lag_bytes (8 MiB): " + highestLag);
            assertTrue(awaitSealed(c, samples.sent(), 120), "not all sealed; see " + log);
            double ceiling = SpoolWatch.metric(c, SEALED_AT, "level=\"11\"");
            double all = SpoolWatch.metric(c, SEALED_AT, "");
            System.out.println("adaptive: " + requests + " requests; " + SpoolWatch.metricLines(c, SEALED_AT));
            assertTrue(all > ceiling, "lower qualities used: " + SpoolWatch.metricLines(c, SEALED_AT));
            assertEquals(0, SpoolWatch.metric(c, "cistern_ingest_rejected_total", "reason=\"backpressure\""), "refused for lag");
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        try (AgentProcess agent = AgentProcess.start(data, config, log)) { // light load after a restart: the ceiling throughout
            samples.to(agent.awaitPort());
            for (int i = 0; i < 20; i++) {
                assertEquals(204, samples.send(200), "light request " + i + "; see " + log);
                Thread.sleep(100);
            }
            RemoteWriteClient c = samples.client();
            assertTrue(awaitSealed(c, 20 * 200, 60), "light load not sealed; see " + log);
            double all = SpoolWatch.metric(c, SEALED_AT, "");
            assertTrue(all > 0, "segments sealed");
            assertEquals(all, SpoolWatch.metric(c, SEALED_AT, "level=\"11\""), "light load: " + SpoolWatch.metricLines(c, SEALED_AT));
            assertEquals(11, SpoolWatch.metric(c, "cistern_spool_quality", "codec=\"brotli\""), "the next segment too");
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
    }
}
