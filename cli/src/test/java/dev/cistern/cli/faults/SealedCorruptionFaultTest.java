package dev.cistern.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.RemoteWriteClient;
import dev.cistern.cli.AgentProcess;
import dev.cistern.cli.Delivered;
import dev.cistern.cli.NumberedSamples;
import dev.cistern.spool.SegmentName;
import dev.cistern.testkit.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 5 against the real agent: with its directory destination down, sealed files are
 * damaged on disk (truncated, one bit flipped, overwritten with garbage). When the destination
 * comes back, each damaged file is quarantined with its reason and never uploaded, the quarantine
 * counter moves by reason, a WARN names the file, and every other acknowledged sample arrives
 * exactly once; the agent stays healthy and goes on sealing and uploading new requests.
 */
class SealedCorruptionFaultTest {
    private static final int REQUESTS = 30;
    private static final int PER_REQUEST = 500;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

    private Path data;
    private Path outbox;
    private Path log;

    @Test
    void corruptSealedFilesAreQuarantinedNotUploadedAndTheRestArrives() throws Exception {
        data = dir.resolve("data");
        outbox = dir.resolve("outbox");
        log = dir.resolve("agent.log");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, """
                spool:
                  quality: 1
                  rotate_rows: 2000
                  rotate_age: 500ms
                upload:
                  to: "file:%s"
                  scan_interval: 300ms
                  backoff: 100ms
                  backoff_max: 500ms
                  breaker_open_for: 500ms
                """.formatted(outbox));
        Files.writeString(outbox, "a file where the destination directory should be: every upload fails");
        NumberedSamples samples = new NumberedSamples(false);
        BitSet inVictims;
        try (AgentProcess agent = AgentProcess.start(data, config, log, Map.of())) {
            samples.to(agent.awaitPort());
            for (int i = 0; i < REQUESTS; i++) {
                assertEquals(204, samples.sendUntilAccepted(PER_REQUEST, Duration.ofSeconds(10)), samples.answers().toString());
            }
            awaitAllSealed(samples.acked());
            List<Path> victims = sealedFiles().subList(0, 3);
            inVictims = damage(victims);

            Files.delete(outbox); // the destination comes back
            Files.createDirectories(outbox);
            RemoteWriteClient c = samples.client();
            assertTrue(awaitShipped(Duration.ofSeconds(60)), "sealed/ did not drain: " + sealedFiles() + "; see " + log);
            for (int i = 0; i < 5; i++) {
                assertEquals(204, samples.sendUntilAccepted(PER_REQUEST, Duration.ofSeconds(10)), samples.answers().toString());
            }
            Thread.sleep(1000); // rotate_age: the new rows seal
            assertTrue(awaitShipped(Duration.ofSeconds(60)), "new requests were not shipped; see " + log);

            assertEquals(200, c.get("/healthz").statusCode(), "one damaged file does not make the agent unhealthy");
            assertEquals(2, metric(c, "cistern_quarantined_files_total", "reason=\"missing_checksum\""), metrics(c));
            assertEquals(1, metric(c, "cistern_quarantined_files_total", "reason=\"checksum_mismatch\""), metrics(c));
            assertEquals(3, metric(c, "cistern_upload_quarantined_total", ""), metrics(c));
            assertEquals(0, agent.terminate(), "clean shutdown; see " + log);
        }
        assertQuarantined(inVictims, samples);
    }

    /** Truncates the first file, flips one bit of the second and overwrites the third; returns the samples they held. */
    private BitSet damage(List<Path> victims) throws IOException {
        Path originals = dir.resolve("originals");
        Files.createDirectories(originals);
        for (Path v : victims) Files.copy(v, originals.resolve(v.getFileName()));
        BitSet held = new Delivered().dir(originals).read().seen();
        byte[] a = Files.readAllBytes(victims.get(0));
        replace(victims.get(0), Arrays.copyOf(a, a.length * 2 / 3));
        byte[] b = Files.readAllBytes(victims.get(1));
        b[b.length / 2] ^= 0x20;
        replace(victims.get(1), b);
        replace(victims.get(2), "not brotli at all\n".repeat(200).getBytes(StandardCharsets.UTF_8));
        return held;
    }

    /** Swaps the content whole (write then rename), so the uploader never reads a half-written damage. */
    private void replace(Path file, byte[] content) throws IOException {
        Path temp = dir.resolve("damage.tmp");
        Files.write(temp, content);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The damaged files are in quarantine with their reasons, nowhere else; every other acknowledged sample arrived once. */
    private void assertQuarantined(BitSet inVictims, NumberedSamples samples) throws IOException {
        List<String> reasons = new ArrayList<>();
        for (Path r : filesUnder(data.resolve("quarantine"), ".reason")) reasons.add(Files.readString(r));
        assertEquals(3, reasons.size(), reasons.toString());
        assertEquals(2, reasons.stream().filter(r -> r.contains("reason: MISSING_CHECKSUM")).count(), reasons.toString());
        assertEquals(1, reasons.stream().filter(r -> r.contains("reason: CHECKSUM_MISMATCH")).count(), reasons.toString());
        assertEquals(3, filesUnder(data.resolve("quarantine"), SegmentName.SUFFIX).size());
        String agentLog = Files.readString(log);
        assertEquals(3, agentLog.lines().filter(l -> l.contains("WARNING"))
                .filter(l -> l.contains("instead of uploading")).count(), "one WARN per quarantined file; see " + log);

        Delivered shipped = new Delivered().dir(outbox).read();
        assertEquals(0, shipped.duplicateCount(), shipped.describe());
        BitSet overlap = (BitSet) shipped.seen().clone();
        overlap.and(inVictims);
        assertTrue(overlap.isEmpty(), overlap.cardinality() + " samples of damaged files were uploaded");
        BitSet expected = (BitSet) samples.acked().clone();
        expected.andNot(inVictims);
        assertEquals(0, shipped.missing(expected).cardinality(), "acknowledged samples of sound files missing: " + shipped.describe());
        assertTrue(inVictims.cardinality() > 0 && expected.cardinality() > inVictims.cardinality(), "a meaningful split");
        assertFalse(TestFiles.files(outbox).stream().anyMatch(f -> f.startsWith(".")), "no temp files in the destination");
        System.out.printf("SealedCorruptionFaultTest: %d acknowledged, %d in the 3 damaged files (quarantined), %s shipped%n",
                samples.acked().cardinality(), inVictims.cardinality(), shipped.describe());
    }

    private void awaitAllSealed(BitSet acked) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (new Delivered().dir(data.resolve("sealed")).read().missing(acked).cardinality() > 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("not everything acknowledged was sealed in 30 s; see " + log);
            Thread.sleep(200);
        }
        assertTrue(sealedFiles().size() >= 5, "enough files to damage some and ship others: " + sealedFiles());
    }

    private boolean awaitShipped(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!sealedFiles().isEmpty() || !filesUnder(data.resolve("active"), "").isEmpty()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(200);
        }
        return true;
    }

    private List<Path> sealedFiles() throws IOException {
        return filesUnder(data.resolve("sealed"), SegmentName.SUFFIX);
    }

    private static List<Path> filesUnder(Path root, String suffix) throws IOException {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static double metric(RemoteWriteClient c, String name, String labels) throws Exception {
        double sum = 0;
        for (String line : c.get("/metrics").body().split("\n")) {
            if (line.startsWith(name) && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')
                    && line.contains(labels)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static String metrics(RemoteWriteClient c) throws Exception {
        return Arrays.stream(c.get("/metrics").body().split("\n")).filter(l -> l.contains("quarantin")).toList().toString();
    }
}
