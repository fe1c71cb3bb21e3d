package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.Verifier;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: a small tmpfs as the data directory, no upload destination, and ingest running
 * until the disk is full. Ingest must answer 503 rather than fail, no file may be corrupt, every
 * acknowledged row must be sealed, and the agent must shut down cleanly. Needs root (mount);
 * elsewhere it is skipped, loudly.
 */
class FullDiskTest {
    @TempDir Path dir;
    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = dir.resolve("tmpfs");
        Files.createDirectories(mount);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=112m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        mounted = p.waitFor() == 0;
        if (!mounted) {
            System.err.println("\n*** FullDiskTest SKIPPED: cannot mount a tmpfs here (" + out.strip()
                    + "). Run as root (CI does) to test a real full disk. ***\n");
        }
        Assumptions.assumeTrue(mounted, "mount -t tmpfs needs root: " + out.strip());
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
    }

    @Test
    void fullDiskAnswers503CorruptsNothingAndLosesNoAcknowledgedRow() throws Exception {
        Path data = mount.resolve("data");
        Path config = dir.resolve("full.yaml");
        Files.writeString(config, """
                spool:
                  quality: 1
                  rotate_rows: 400
                  rotate_age: 500ms
                journal:
                  roll_cycle: TEST_SECONDLY
                retention:
                  min_free_bytes: 16MiB
                  overflow: block
                  check_interval: 300ms
                upload:
                  to: ""
                """);
        SplittableRandom rnd = new SplittableRandom(5);
        Set<Long> acked = new HashSet<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        long seq = 0;
        try (AgentProcess agent = AgentProcess.start(data, config, dir.resolve("agent.log"))) {
            RemoteWriteClient client = new RemoteWriteClient("127.0.0.1", agent.awaitPort());
            int refusedInARow = 0;
            long deadline = System.currentTimeMillis() + 120_000;
            while (refusedInARow < 40 && System.currentTimeMillis() < deadline) {
                StringBuilder body = new StringBuilder();
                long first = seq;
                for (int i = 0; i < 50; i++, seq++) {
                    byte[] noise = new byte[1500]; // incompressible, so the disk fills fast
                    rnd.nextBytes(noise);
                    body.append("{\"ts\":").append(seq).append(",\"blob\":\"").append(Base64.getEncoder().encodeToString(noise)).append("\"}\n");
                }
                HttpResponse<String> r;
                try {
                    r = client.post("/api/v1/ingest?stream=blobs", body.toString().getBytes(StandardCharsets.UTF_8), "application/x-ndjson", null);
                } catch (IOException e) {
                    throw new AssertionError("agent stopped answering on a full disk; see " + dir.resolve("agent.log"), e);
                }
                statuses.merge(r.statusCode(), 1, Integer::sum);
                if (r.statusCode() == 204) {
                    for (long s = first; s < seq; s++) acked.add(s);
                    refusedInARow = 0;
                } else {
                    assertTrue(r.statusCode() == 503 || r.statusCode() == 429, "full disk answered " + r.statusCode() + ": " + r.body());
                    assertTrue(r.headers().firstValue("Retry-After").isPresent(), "503 without Retry-After");
                    refusedInARow++;
                    Thread.sleep(20);
                }
            }
            System.out.println("FullDiskTest: answers " + statuses + ", acknowledged rows " + acked.size());
            assertTrue(statuses.getOrDefault(503, 0) > 0, "the disk never filled: " + statuses);
            assertTrue(acked.size() > 1000, "too little was accepted to mean anything: " + statuses);
            assertEquals(200, client.get("/healthz").statusCode(), "still alive on a full disk");
            assertEquals(0, agent.terminate(), "clean shutdown on a full disk; see " + dir.resolve("agent.log"));
        } finally {
            // what the agent said about the full disk, for whoever reads the test report
            Files.readAllLines(dir.resolve("agent.log")).stream().filter(l -> l.contains("WARN") || l.contains("SEVERE"))
                    .limit(20).forEach(l -> System.out.println("agent: " + l));
        }
        Set<Long> sealed = new HashSet<>();
        Scanner.Summary s = Scanner.of(data).scan(ScanQuery.all(), row -> {
            assertTrue(sealed.add(row.ts()), "row sealed twice: " + row.ts());
            return true;
        });
        assertTrue(s.problems().isEmpty(), s.problems().toString());
        try (var files = Files.walk(data.resolve("sealed"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Verifier.Result v = Verifier.verify(f);
                assertTrue(v.ok(), v.toString());
            }
        }
        Set<Long> missing = new HashSet<>(acked);
        missing.removeAll(sealed);
        assertEquals(Set.of(), missing.size() > 10 ? Set.of(missing.size()) : missing, "acknowledged rows missing after a full disk");
    }
}
