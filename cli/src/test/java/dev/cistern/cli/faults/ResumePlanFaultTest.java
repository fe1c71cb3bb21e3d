package dev.cistern.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.cli.AgentProcess;
import dev.cistern.cli.NumberedSamples;
import dev.cistern.cli.SpoolWatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17, 4 and 7: the resume plan cannot be fooled by names. A stray file with a huge journal index
 * (in sealed/ or uploaded/), a journal deleted and made anew with another roll cycle, and a roll cycle
 * changed under an existing journal: every acknowledged sample is sealed exactly once, the stray is
 * logged at WARN and counted. Before the fix half of the later samples (one lane) were never sealed after
 * the stray, and every new one after the journal was wiped.
 */
class ResumePlanFaultTest {
    private static final String STRAY = "metrics.1735689600000.1735689600000.1.10.v1.0123456789abcdef0125.j9000000000000000000.json.br";
    private static final String SPOOL = """
            upload:
              to: ""
            spool:
              quality: 1
              rotate_rows: 2000
              rotate_age: 300ms
            """;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @ParameterizedTest(name = "in {0}/")
    @ValueSource(strings = {"sealed", "uploaded"})
    void aStrayNameWithAHugeJournalIndexDoesNotMoveTheResumePoint(String where) throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, SPOOL + "journal:\n  roll_cycle: FIVE_MINUTELY\n");
        NumberedSamples samples = new NumberedSamples(false);
        run(data, config, log, samples, 40);
        Path stray = data.resolve(where).resolve("metrics/dt=2025-01-01/hour=00").resolve(STRAY);
        Files.createDirectories(stray.getParent());
        Files.copy(anySealed(data), stray); // readable content: it is the name that lies
        double ignored = 0;
        for (int restart = 0; restart < 2; restart++) { // and again: the ledger must not have taken it in
            try (AgentProcess agent = AgentProcess.start(data, config, log)) {
                samples.to(agent.awaitPort());
                for (int i = 0; i < 40; i++) assertEquals(204, samples.send(100), "request " + i + "; see " + log);
                ignored = Math.max(ignored, FaultRun.counter(samples, "cistern_resume_ignored_names_total"));
                assertEquals(0, agent.terminate(), "clean stop; see " + log);
            }
        }
        Files.deleteIfExists(stray); // retention may have taken it from uploaded/: it is not the journal's, so it is settled
        FaultRun.assertExactlyOnce(FaultRun.delivered(data), samples, log);
        assertTrue(ignored > 0, "the stray name was counted; see " + log);
        assertFalse(SpoolWatch.lines(log, STRAY).isEmpty(), "the stray name was logged; see " + log);
    }

    @Test
    void aJournalDeletedAndMadeAnewWithAnotherRollCycleLosesNothing() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, SPOOL + "journal:\n  roll_cycle: FIVE_MINUTELY\n");
        NumberedSamples samples = new NumberedSamples(false);
        run(data, config, log, samples, 40);
        deleteTree(data.resolve("journal"));
        Files.writeString(config, SPOOL + "journal:\n  roll_cycle: FAST_HOURLY\n");
        run(data, config, log, samples, 40);
        run(data, config, log, samples, 10); // a second start trusts the new journal's own ledger and names
        FaultRun.assertExactlyOnce(FaultRun.delivered(data), samples, log);
    }

    @Test
    void aRollCycleThatDisagreesWithTheJournalIsWarnedAboutAndNotUsed() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, SPOOL + "journal:\n  roll_cycle: FIVE_MINUTELY\n");
        NumberedSamples samples = new NumberedSamples(false);
        run(data, config, log, samples, 20);
        Files.writeString(config, SPOOL + "journal:\n  roll_cycle: FAST_HOURLY\n");
        run(data, config, log, samples, 40);
        assertTrue(SpoolWatch.lines(log, "cannot allocate blocks ahead").isEmpty()
                && SpoolWatch.lines(log, "allocating journal blocks failed").isEmpty(), "full-disk allocation stays on; see " + log);
        FaultRun.assertExactlyOnce(FaultRun.delivered(data), samples, log);
        assertFalse(SpoolWatch.lines(log, "it keeps FIVE_MINUTELY").isEmpty(), "the disagreement was logged; see " + log);
    }

    private static void run(Path data, Path config, Path log, NumberedSamples samples, int requests) throws Exception {
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            for (int i = 0; i < requests; i++) assertEquals(204, samples.send(100), "request " + i + "; see " + log);
            assertEquals(0, agent.terminate(), "clean stop; see " + log);
        }
    }

    private static Path anySealed(Path data) throws Exception {
        try (Stream<Path> s = Files.walk(data.resolve("sealed"))) {
            return s.filter(p -> p.toString().endsWith(".json.br")).findFirst().orElseThrow();
        }
    }

    private static void deleteTree(Path p) throws Exception {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }
}
