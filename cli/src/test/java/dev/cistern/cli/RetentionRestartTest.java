package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 15: retention reclaims uploaded (and, under drop_oldest, unsent) files of a small spool
 * while the real agent ingests poorly compressible samples and uploads them; then the agent is
 * stopped (SIGTERM after the uploads drained, or kill -9 right after the last answer) and started
 * again, where ingest must be open. No sample may be sealed twice; under block every acknowledged
 * one is in the destination or the spool, under drop_oldest exactly those the agent logged as
 * dropped may be missing.
 */
class RetentionRestartTest {
    static final int REQUESTS = 400;
    static final int PER_REQUEST = 1000;
    static final String SPOOL = """
            spool:
              quality: 1
              rotate_rows: 20000
              rotate_age: 2s
            """;
    static final String UPLOAD_TUNING = "  scan_interval: 500ms\n  backoff: 100ms\n  backoff_max: 1s\n  breaker_open_for: 2s\n";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    static String retention(String maxTotal, String overflow) {
        return "retention:\n  max_total_bytes: " + maxTotal + "\n  min_free_bytes: 0\n  overflow: " + overflow
                + "\n  check_interval: 1s\n";
    }

    private Path data;
    private Path log;
    private Path config;
    private final List<String> problems = new ArrayList<>();
    private final NumberedSamples samples = new NumberedSamples(true);

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"dir, block, sigterm", "dir, block, kill9", "s3, block, sigterm", "dir, drop_oldest, sigterm",
            "s3, drop_oldest, kill9"})
    void retentionThenRestartSealsNoSampleTwice(String kind, String overflow, String stop) throws Exception {
        data = dir.resolve("data");
        log = dir.resolve("agent.log");
        config = dir.resolve("agent.yaml");
        try (TestDestination dest = TestDestination.of(kind, dir)) {
            Files.writeString(config, SPOOL + retention("12MiB", overflow) + dest.uploadYaml(UPLOAD_TUNING));
            String name = kind + " " + overflow + " " + stop;
            fillThenStop(dest, name, stop.equals("kill9"));
            restartAndSend(dest);
            RestartReplayTest.printPlans(log);
            Delivered d = new Delivered().dir(data.resolve("sealed")).dir(data.resolve("uploaded"));
            dest.collect(d);
            d.read();
            long missing = d.missing(samples.acked()).cardinality();
            long dropped = SpoolWatch.droppedUnsentRows(log);
            System.out.printf("RetentionRestartTest %s: %s; %d acknowledged, %d missing, %d logged as dropped unsent%n",
                    name, d.describe(), samples.acked().cardinality(), missing, dropped);
            if (d.duplicateCount() > 0) problems.add("samples sealed twice: " + d.describe());
            if (d.neverSent(samples.sent()) > 0) problems.add("rows never sent: " + d.neverSent(samples.sent()));
            if (overflow.equals("block") && missing > 0) problems.add(missing + " acknowledged samples missing under block");
            if (overflow.equals("drop_oldest") && stop.equals("sigterm") && missing != dropped) {
                problems.add(missing + " acknowledged samples missing, but " + dropped + " logged as dropped unsent rows");
            }
            assertTrue(samples.acked().cardinality() >= 100_000, "too little acknowledged to mean anything: " + samples.answers());
            assertEquals(List.of(), problems, "see " + log);
        }
    }

    /** Sends the requests (each repeated while refused, for up to 15 s), then stops the agent. */
    private void fillThenStop(TestDestination dest, String name, boolean kill9) throws Exception {
        try (AgentProcess agent = AgentProcess.start(data, config, log, dest.env())) {
            samples.to(agent.awaitPort());
            long started = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                if (samples.sendUntilAccepted(PER_REQUEST, Duration.ofSeconds(15)) != 204) {
                    problems.add("ingest refused for 15 s at request " + i + " of " + REQUESTS + ": " + samples.answers());
                    break;
                }
            }
            System.out.printf("RetentionRestartTest %s: %d acknowledged in %d ms, answers %s, spool %s%n", name,
                    samples.acked().cardinality(), (System.nanoTime() - started) / 1_000_000, samples.answers(),
                    SpoolWatch.metricLines(samples.client(), "cistern_spool_disk_bytes"));
            if (kill9) {
                agent.kill9();
                return;
            }
            if (!SpoolWatch.awaitShipped(data, Duration.ofSeconds(60))) problems.add("uploads did not drain in 60 s");
            SpoolWatch.awaitReclaimed(data, Duration.ofSeconds(3)); // give retention its passes over uploaded/
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
    }

    /** Starts the agent again: once what it had is shipped, ingest is open within a few check intervals. */
    private void restartAndSend(TestDestination dest) throws Exception {
        try (AgentProcess agent = AgentProcess.start(data, config, log, dest.env())) {
            samples.to(agent.awaitPort());
            Thread.sleep(2500); // replays, if any, sealed: rotate_age 2s
            if (!SpoolWatch.awaitShipped(data, Duration.ofSeconds(60))) problems.add("uploads did not drain after the restart");
            for (int i = 0; i < 10; i++) {
                if (samples.sendUntilAccepted(PER_REQUEST, Duration.ofSeconds(5)) != 204) {
                    problems.add("after the restart, with everything shipped, request " + i + " was refused for 5 s: "
                            + samples.answers() + ", " + SpoolWatch.metricLines(samples.client(), "cistern_spool_"));
                    break;
                }
            }
            if (!SpoolWatch.awaitShipped(data, Duration.ofSeconds(60))) problems.add("uploads did not drain at the end");
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
    }
}
