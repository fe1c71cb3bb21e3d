package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.testkit.Tmpfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ENOSPC for real, on a tiny tmpfs: writing, flushing or sealing fails with SpoolWriteException,
 * never leaves a corrupt sealed file, keeps what was sealed before, and the writer works again once
 * space returns. Needs root for mount; skipped loudly elsewhere.
 */
class SpoolFullDiskTest {
    @TempDir Path dir;
    private Tmpfs tmpfs;
    private Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        tmpfs = Tmpfs.mount(dir.resolve("tmpfs"), "8m", "SpoolFullDiskTest");
        mount = tmpfs.path();
    }

    @AfterEach
    void unmount() throws Exception {
        if (tmpfs != null) tmpfs.close();
    }

    @Test
    void writerSurvivesEnospcAndRecoversWhenSpaceReturns() throws Exception {
        SplittableRandom rnd = new SplittableRandom(3);
        Path data = mount.resolve("spool");
        SpoolWriteException failure = null;
        long written = 0;
        try (Spool spool = Spool.open(SpoolConfig.builder(data).shardsPerStream(1).quality(1)
                .rotation(Rotation.DEFAULT.withMaxRows(200)).build())) {
            StreamWriter w = spool.writer("blobs");
            for (int i = 0; i < 100_000 && failure == null; i++) {
                byte[] noise = new byte[3000];
                rnd.nextBytes(noise);
                byte[] row = ("{\"ts\":" + i + ",\"b\":\"" + Base64.getEncoder().encodeToString(noise) + "\"}").getBytes(StandardCharsets.UTF_8);
                try {
                    w.appendJson(row, 0, row.length);
                    written++;
                } catch (SpoolWriteException e) {
                    failure = e;
                }
            }
            assertNotNull(failure, "the 8 MiB disk never filled");
            assertTrue(spool.metrics().writeFailures() > 0);
            for (Path f : sealedFiles(data)) assertTrue(Verifier.verify(f).ok(), "corrupt after ENOSPC: " + Verifier.verify(f));

            // space returns: delete half the sealed files, and the same writer goes on
            List<Path> sealed = sealedFiles(data);
            for (int i = 0; i < sealed.size() / 2; i++) Files.delete(sealed.get(i));
            // segments queued for sealing when the disk filled fail too, and each failure is reported
            // once to a later call: take those reports before writing on
            for (int i = 0; i < BackgroundSealer.MAX_PENDING + 1; i++) {
                try {
                    w.flush();
                    break;
                } catch (SpoolWriteException late) {
                    // reported now; the segment stays in active/ for recovery
                }
            }
            byte[] row = "{\"ts\":1,\"after\":\"space returned\"}".getBytes(StandardCharsets.UTF_8);
            w.appendJson(row, 0, row.length);
            w.seal();
        }
        for (Path f : sealedFiles(data)) assertTrue(Verifier.verify(f).ok(), Verifier.verify(f).toString());
        assertEquals(1, Scanner.of(data).page(ScanQuery.builder().text("space returned").build()).total());
        assertTrue(written > 1000, "wrote " + written);
    }

    private static List<Path> sealedFiles(Path data) throws Exception {
        try (var s = Files.walk(data.resolve("sealed"))) {
            return s.filter(p -> p.toString().endsWith(".json.br")).sorted().toList();
        }
    }
}
