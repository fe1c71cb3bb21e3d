package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.RemoteWriteClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code journal.pace_above_bytes} in the real agent: a load far faster than its lanes seal (quality 11, a series per
 * sample) is taken at the pace they seal it. The journal lag stays at the mark plus the one request a sequential
 * sender has in flight, instead of growing with every request; every request is acknowledged, none refused for lag
 * although the whole load is many times the mark, and the waits are counted.
 */
class IngestPacingAgentTest {
    private static final long MARK = 256 << 10;
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2); // IngestPacing's
    private static final String CONFIG = """
            spool:
              quality: 11
              rotate_rows: 4000
            journal:
              max_lag_bytes: 64MiB
              pace_above_bytes: 256KiB
            """;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @Test
    void aLoadFasterThanTheLanesIsTakenAtTheirPaceWithNothingRefused() throws Exception {
        Path config = dir.resolve("agent.yaml");
        Path log = dir.resolve("agent.log");
        Files.writeString(config, CONFIG);
        NumberedSamples samples = new NumberedSamples(true);
        try (AgentProcess agent = AgentProcess.start(dir.resolve("data"), config, log)) {
            samples.to(agent.awaitPort());
            RemoteWriteClient c = samples.client();
            int requests = 20;
            double[] lags = new double[requests];
            int[] givenUp = new int[requests]; // requests so far whose wait reached its limit and went on above the mark
            for (int i = 0; i < requests; i++) {
                long start = System.nanoTime();
                assertEquals(204, samples.send(2000), "request " + i + "; see " + log);
                boolean waitedItsLimit = System.nanoTime() - start >= MAX_WAIT_NANOS;
                givenUp[i] = (i == 0 ? 0 : givenUp[i - 1]) + (waitedItsLimit ? 1 : 0);
                lags[i] = SpoolWatch.metric(c, "cistern_journal_lag_bytes", "");
            }
            long body = samples.ackedBodyBytes() / requests;
            double paced = SpoolWatch.metric(c, "cistern_ingest_paced_total", "");
            System.out.println("pacing: " + requests + " requests of " + body + " bytes, lags " + Arrays.toString(lags) + ", "
                    + givenUp[requests - 1] + " waits at their limit, " + (long) paced + " waits, "
                    + SpoolWatch.metric(c, "cistern_ingest_paced_wait_seconds_total", "") + " s waited");
            assertTrue(samples.ackedBodyBytes() > 4 * MARK, "the load is many times the mark: " + samples.ackedBodyBytes());
            // a sequential sender: what was below the mark when its wait ended, plus its own body; and a body more for
            // each request whose wait reached its limit (a loaded machine) and went on above the mark
            for (int i = 0; i < requests; i++) {
                assertTrue(lags[i] <= MARK + body * (1 + givenUp[i]), "lag held at the mark: " + lags[i] + " after request " + i);
            }
            assertTrue(paced > 0, "waits counted");
            assertEquals(0, SpoolWatch.metric(c, "cistern_ingest_rejected_total", "reason=\"backpressure\""), "refused for lag");
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        assertTrue(SpoolWatch.lines(log, "ingest paced").size() >= 1, "the pacing is logged, once a minute at most");
    }
}
