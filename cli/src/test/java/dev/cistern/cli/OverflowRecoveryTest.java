package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15, 2 and 3, with the real agent: a spool over its limit finds its way back once the
 * destination returns (block), across a restart too; and a limit below what the journal needs
 * does not make drop_oldest delete every unsent file.
 */
class OverflowRecoveryTest {
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @ParameterizedTest(name = "restart while down: {0}")
    @ValueSource(booleans = {false, true})
    void blockReopensIngestOnceTheBacklogIsShipped(boolean restartWhileDown) throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        NumberedSamples samples = new NumberedSamples(true);
        try (TestDestination.Directory dest = new TestDestination.Directory(dir.resolve("outbox"))) {
            Files.writeString(config, RetentionRestartTest.SPOOL + RetentionRestartTest.retention("6MiB", "block")
                    + dest.uploadYaml(RetentionRestartTest.UPLOAD_TUNING));
            AgentProcess agent = AgentProcess.start(data, config, log);
            try {
                samples.to(agent.awaitPort());
                // uploads keep up while the journal takes in more than the limit (~11 MB): it must not stay there
                for (int i = 0; i < 150; i++) {
                    if (samples.sendUntilAccepted(RetentionRestartTest.PER_REQUEST, Duration.ofSeconds(10)) != 204) break;
                }
                dest.breakIt();
                fillUntilRefused(samples, log);
                if (restartWhileDown) {
                    assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
                    agent.close();
                    agent = AgentProcess.start(data, config, log);
                    samples.to(agent.awaitPort());
                    Thread.sleep(2500);
                    fillUntilRefused(samples, log); // the stop may have released journal space: full again
                }
                dest.repair();
                awaitReopened(data, samples, log, restartWhileDown);
                assertTrue(SpoolWatch.awaitShipped(data, Duration.ofSeconds(60)), "uploads did not drain; see " + log);
                assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
            } finally {
                agent.close();
            }
            Delivered d = new Delivered().dir(data.resolve("sealed")).dir(data.resolve("uploaded"));
            dest.collect(d);
            RestartReplayTest.assertExactlyOnce(d.read(), samples, log);
        }
    }

    /** Issue 15, 3: with the journal alone over the limit, drop_oldest deleted each unsent file as soon as it was sealed. */
    @Test
    void dropOldestWithALimitBelowTheJournalKeepsUnsentFiles() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        NumberedSamples samples = new NumberedSamples(true);
        double droppedCounted;
        try (TestDestination.Directory dest = new TestDestination.Directory(dir.resolve("outbox"))) {
            dest.breakIt();
            Files.writeString(config, RetentionRestartTest.SPOOL + RetentionRestartTest.retention("16MiB", "drop_oldest")
                    + dest.uploadYaml(RetentionRestartTest.UPLOAD_TUNING));
            try (AgentProcess agent = AgentProcess.start(data, config, log)) {
                samples.to(agent.awaitPort());
                for (int i = 0; i < 300; i++) samples.send(RetentionRestartTest.PER_REQUEST);
                Thread.sleep(2500 + 2 * CHECK_INTERVAL.toMillis()); // sealed, and retention had its passes
                int unsent = new Delivered().dir(data.resolve("sealed")).files();
                double sealed = SpoolWatch.metric(samples.client(), "cistern_segments_sealed_total", "");
                double refused = SpoolWatch.metric(samples.client(), "cistern_ingest_rejected_total", "reason=\"spool_full\"");
                List<String> warned = SpoolWatch.lines(log, "16777216");
                System.out.printf("OverflowRecoveryTest drop_oldest below the journal: %d unsent files kept of %.0f sealed, "
                        + "%.0f refused spool_full, answers %s, warnings %s%n", unsent, sealed, refused, samples.answers(), warned);
                assertTrue(unsent > 0, "drop_oldest deleted every unsent file (" + sealed + " sealed): "
                        + SpoolWatch.metricLines(samples.client(), "cistern_spool_") + "; see " + log);
                assertTrue(refused > 0 || !warned.isEmpty(), "neither refused (503 spool_full) nor warned with the figure: "
                        + samples.answers() + "; see " + log);
                droppedCounted = settledDroppedRows(samples);
                assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
            }
            Delivered d = new Delivered().dir(data.resolve("sealed")).dir(data.resolve("uploaded")).read();
            long missing = d.missing(samples.acked()).cardinality();
            assertEquals(0, d.duplicateCount(), "samples sealed twice: " + d.describe());
            // every acknowledged sample is either kept or dropped by retention, counted and logged alike
            long logged = SpoolWatch.droppedUnsentRows(log);
            System.out.printf("OverflowRecoveryTest drop_oldest: missing %d, counted dropped %.0f, logged dropped %d%n",
                    missing, droppedCounted, logged);
            assertEquals((long) droppedCounted, missing, "acknowledged samples missing vs counted as dropped: "
                    + d.describe() + "; see " + log);
            assertEquals(missing, logged, "acknowledged samples missing vs logged as dropped; see " + log);
        }
    }

    /** Sends until the spool, with the destination down, refuses (503). */
    private static void fillUntilRefused(NumberedSamples samples, Path log) throws InterruptedException {
        int status = 204;
        for (int i = 0; i < 300 && status == 204; i++) status = samples.send(RetentionRestartTest.PER_REQUEST);
        assertEquals(503, status, "the spool never filled with the destination down: " + samples.answers() + "; see " + log);
    }

    /** Once the destination is back: ingest reopens, within 5 check intervals of the backlog being shipped. */
    private static void awaitReopened(Path data, NumberedSamples samples, Path log, boolean restartWhileDown) throws Exception {
        long back = System.nanoTime();
        long shippedAt = 0;
        long acceptedAt = 0;
        while (acceptedAt == 0 && System.nanoTime() - back < Duration.ofSeconds(60).toNanos()) {
            if (shippedAt == 0 && SpoolWatch.unshipped(data) == 0) shippedAt = System.nanoTime();
            if (samples.send(10) == 204) acceptedAt = System.nanoTime();
            else Thread.sleep(250);
        }
        String when = "destination back at 0 ms, backlog shipped at " + millis(back, shippedAt) + " ms, ingest open at "
                + millis(back, acceptedAt) + " ms";
        System.out.println("OverflowRecoveryTest restart while down " + restartWhileDown + ": " + when);
        if (acceptedAt == 0) {
            fail("ingest never reopened within 60 s of the destination coming back (" + when + "): "
                    + SpoolWatch.metricLines(samples.client(), "cistern_spool_") + "; see " + log);
        }
        if (shippedAt > 0) {
            assertTrue(acceptedAt - shippedAt < CHECK_INTERVAL.multipliedBy(5).toNanos(),
                    "ingest reopened more than 5 check intervals after the backlog was shipped: " + when);
        }
    }

    private static long millis(long from, long at) {
        return at == 0 ? -1 : (at - from) / 1_000_000;
    }

    /** Retention's dropped-rows counter once two passes in a row leave it unchanged. */
    private static double settledDroppedRows(NumberedSamples samples) throws Exception {
        double last = -1;
        for (int i = 0; i < 20; i++) {
            double now = SpoolWatch.metric(samples.client(), "cistern_retention_dropped_rows_total", "");
            if (now == last) return now;
            last = now;
            Thread.sleep(2 * CHECK_INTERVAL.toMillis());
        }
        return last;
    }
}
