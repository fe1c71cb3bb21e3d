package dev.cistern.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.cli.AgentProcess;
import dev.cistern.cli.Delivered;
import dev.cistern.cli.NumberedSamples;
import dev.cistern.cli.SpoolWatch;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 17, 3 and 7: the journal's newest cycle file is damaged as a power cut leaves it (its last 64 KiB
 * zeroed, or truncated) between two runs of the real agent. The next run recovers: what was sealed stays
 * sealed once, the entries whose bytes are intact are sealed once, the damaged ones are counted (and are
 * the newest), and every request acknowledged after the restart is sealed. Before the fix the lanes sat
 * idle for good and new requests were acknowledged and never sealed.
 */
class JournalTailFaultTest {
    private static final int PER_REQUEST = 100;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    @ParameterizedTest(name = "{0}, then {1}")
    @CsvSource({"sealed, zero-64k", "unsealed, zero-64k", "unsealed, truncate", "sealed, truncate"})
    void aDamagedJournalTailIsRecoveredAndNewRequestsAreSealed(String before, String damage) throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, FaultRun.SLOW_SEAL);
        NumberedSamples samples = new NumberedSamples(false);
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            for (int i = 0; i < 300; i++) assertEquals(204, samples.send(PER_REQUEST), "request " + i + "; see " + log);
            if (before.equals("sealed")) assertEquals(0, agent.terminate(), "clean stop; see " + log);
            else agent.kill9();
        }
        int firstRun = samples.sent();
        damage(newestCycle(data.resolve("journal")), damage);
        double damaged;
        try (AgentProcess agent = AgentProcess.start(data, config, log)) {
            samples.to(agent.awaitPort());
            for (int i = 0; i < 50; i++) assertEquals(204, samples.send(PER_REQUEST), "request after restart " + i + "; see " + log);
            damaged = FaultRun.counter(samples, "cistern_journal_damaged_entries_total");
            assertEquals(200, samples.client().get("/healthz").statusCode(), "survived: healthy");
            assertEquals(0, agent.terminate(), "clean stop; see " + log);
        }
        Delivered d = FaultRun.delivered(data);
        FaultRun.assertNoneTwiceNoneInvented(d, samples, log);
        BitSet missing = d.missing(samples.acked());
        assertEquals(-1, missing.nextSetBit(firstRun), "requests acknowledged after the restart are all sealed: " + d.describe());
        assertTrue(damaged > 0, "the damaged entries were counted; see " + log);
        assertFalse(SpoolWatch.lines(log, "was damaged").isEmpty(), "the damage was logged at WARN; see " + log);
        if (before.equals("sealed")) {
            assertEquals(0, missing.cardinality(), "what was sealed before the damage stays sealed: " + d.describe());
        } else {
            // intact entries are sealed: what is missing is the newest entries, no more than were counted damaged
            int firstMissing = missing.nextSetBit(0);
            if (firstMissing >= 0) {
                assertEquals(firstRun - firstMissing, missing.cardinality(), "only a tail is missing: " + d.describe());
                assertTrue(missing.cardinality() <= damaged * PER_REQUEST, missing.cardinality() + " samples missing, "
                        + damaged + " entries counted damaged");
            }
        }
    }

    private static Path newestCycle(Path journal) throws Exception {
        try (Stream<Path> s = Files.list(journal)) {
            return s.filter(p -> p.toString().endsWith(".cq4")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    /** Zeroes the last 64 KiB written, or cuts the file at three quarters of what was written. */
    private static void damage(Path cycle, String how) throws Exception {
        long end = lastNonZero(cycle);
        try (RandomAccessFile f = new RandomAccessFile(cycle.toFile(), "rw")) {
            if (how.equals("zero-64k")) {
                long from = Math.max(end / 2, end - 65536);
                f.seek(from);
                f.write(new byte[(int) (end - from)]);
            } else {
                f.setLength(end * 3 / 4);
            }
        }
    }

    private static long lastNonZero(Path file) throws Exception {
        long end = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            for (long pos = 0; ; pos += b.limit()) {
                b.clear();
                if (ch.read(b, pos) <= 0) break;
                b.flip();
                for (int i = b.limit() - 1; i >= 0; i--) {
                    if (b.get(i) != 0) {
                        end = pos + i + 1;
                        break;
                    }
                }
            }
        }
        return end;
    }
}
