package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.RemoteWriteClient;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.Verifier;
import dev.cistern.testkit.Tmpfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: a small tmpfs as the data directory, the upload destination down, and ingest
 * running until the disk is full. Ingest must answer 503 rather than fail, and no file may be
 * corrupt. Then the destination comes back: everything drains, retention reclaims uploaded files,
 * ingest accepts again, the agent shuts down cleanly, and every acknowledged row is in sealed or
 * uploaded output. Needs root (mount); elsewhere it is skipped, loudly.
 */
class AgentFullDiskTest {
    @TempDir Path dir;
    private Tmpfs tmpfs;
    private Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        tmpfs = Tmpfs.mount(dir.resolve("tmpfs"), "112m", "AgentFullDiskTest");
        mount = tmpfs.path();
    }

    @AfterEach
    void unmount() throws Exception {
        if (tmpfs != null) tmpfs.close();
    }

    @Test
    void fullDiskAnswers503CorruptsNothingAndLosesNoAcknowledgedRow() throws Exception {
        Path data = mount.resolve("data");
        Path dest = dir.resolve("dest");
        Files.writeString(dest, "a file where the destination directory should be: every upload fails");
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
                  to: "file:%s"
                  scan_interval: 300ms
                  backoff: 100ms
                  backoff_max: 1s
                  breaker_open_for: 2s
                """.formatted(dest));
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
                    body.append("{\"ts\":").append(seq).append(",\"blob\":\"")
                            .append(Base64.getEncoder().encodeToString(noise)).append("\"}\n");
                }
                HttpResponse<String> r;
                try {
                    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
                    r = client.post("/api/v1/ingest?stream=blobs", bytes, "application/x-ndjson", null);
                } catch (IOException e) {
                    throw new AssertionError("agent stopped answering on a full disk (" + agent.state() + "); see " + keptLog(), e);
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
            System.out.println("AgentFullDiskTest: answers " + statuses + ", acknowledged rows " + acked.size());
            assertTrue(statuses.getOrDefault(503, 0) > 0, "the disk never filled: " + statuses);
            assertTrue(acked.size() > 1000, "too little was accepted to mean anything: " + statuses);
            assertEquals(200, client.get("/healthz").statusCode(), "still alive on a full disk");
            for (Path f : segmentFiles(data)) assertTrue(Verifier.verify(f).ok(), "corrupt on a full disk: " + Verifier.verify(f));

            // the destination comes back: uploads drain sealed/, retention reclaims uploaded/, ingest resumes
            Files.delete(dest);
            Files.createDirectories(dest);
            boolean accepted = false;
            long until = System.currentTimeMillis() + 120_000;
            while (!accepted && System.currentTimeMillis() < until) {
                byte[] row = ("{\"ts\":" + seq + ",\"after\":\"destination back\"}\n").getBytes(StandardCharsets.UTF_8);
                HttpResponse<String> r = client.post("/api/v1/ingest?stream=blobs", row, "application/x-ndjson", null);
                if (r.statusCode() == 204) {
                    acked.add(seq);
                    accepted = true;
                } else {
                    assertEquals(503, r.statusCode(), r.body());
                    Thread.sleep(200);
                }
                seq++;
            }
            assertTrue(accepted, "ingest never accepted again after the destination came back");
            long drainBy = System.currentTimeMillis() + 120_000;
            while (!segmentFiles(data.resolve("sealed")).isEmpty() && System.currentTimeMillis() < drainBy) Thread.sleep(200);
            assertEquals(0, agent.terminate(), "clean shutdown; see " + dir.resolve("agent.log"));
        } finally {
            // what the agent said about the full disk, for whoever reads the test report
            List<String> said = Files.readAllLines(dir.resolve("agent.log")).stream()
                    .filter(l -> l.contains("WARN") || l.contains("SEVERE") || l.contains("Exception")).toList();
            for (int i = 0; i < said.size(); i++) {
                if (i < 10 || i >= said.size() - 20) System.out.println("agent: " + said.get(i)); // the start and the end
            }
            Files.copy(dir.resolve("agent.log"), keptLog(), StandardCopyOption.REPLACE_EXISTING);
        }
        // every file once, by name: in sealed/, uploaded/ (kept) or the destination (retention may have reclaimed the local copy)
        Map<String, Path> files = new TreeMap<>();
        for (Path f : segmentFiles(data)) files.put(f.getFileName().toString(), f);
        for (Path f : segmentFiles(dest)) files.putIfAbsent(f.getFileName().toString(), f);
        Set<Long> sealed = new HashSet<>();
        for (Path f : files.values()) {
            Verifier.Result v = Verifier.verify(f);
            assertTrue(v.ok(), v.toString());
            Scanner.lines(f, (b, off, len) -> {
                String line = new String(b, off, len, StandardCharsets.UTF_8);
                long ts = Long.parseLong(line.substring(6, line.indexOf(',')));
                assertTrue(sealed.add(ts), "row sealed twice: " + ts);
            });
        }
        assertEquals(0, segmentFiles(data.resolve("sealed")).size(), "sealed/ drained once the destination came back");
        Set<Long> missing = new HashSet<>(acked);
        missing.removeAll(sealed);
        assertEquals(Set.of(), missing.size() > 10 ? Set.of(missing.size()) : missing, "acknowledged rows missing after a full disk");
    }

    /** The agent's whole log, kept after the temp directory goes: target/AgentFullDiskTest-agent.log. */
    private static Path keptLog() {
        return Path.of("target", "AgentFullDiskTest-agent.log").toAbsolutePath();
    }

    /** Segment files under root; the uploader moves files while we walk, so a vanished path means: look again. */
    private static List<Path> segmentFiles(Path root) throws IOException {
        for (int attempt = 0; ; attempt++) {
            if (!Files.isDirectory(root)) return List.of();
            try (var s = Files.walk(root)) {
                return s.filter(p -> p.getFileName().toString().endsWith(".json.br") && !p.toString().contains("/quarantine/")).toList();
            } catch (UncheckedIOException | NoSuchFileException e) {
                if (attempt == 20) throw e;
            }
        }
    }
}
