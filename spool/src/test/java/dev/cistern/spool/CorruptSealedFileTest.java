package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed files damaged on disk: startup never throws, and each bad file is quarantined with a
 * reason or reported by the Verifier and the Scanner while the good files still read.
 */
class CorruptSealedFileTest {
    private static final int FILES = 4;
    private static final int ROWS_PER_FILE = 500;

    @TempDir Path dir;
    private List<Path> files;

    @BeforeEach
    void writeSpool() throws Exception {
        Series[] series = new Series[10];
        for (int k = 0; k < series.length; k++) series[k] = Series.of("disk_io_seconds", Labels.of("device", "sd" + (char) ('a' + k)));
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).rotation(Fixtures.NEVER.withMaxRows(ROWS_PER_FILE)).build())) {
            StreamWriter w = spool.writer("metrics");
            for (int i = 0; i < FILES * ROWS_PER_FILE; i++) w.append(series[i % series.length], T0 + i * 1000L, i * 0.25);
        }
        files = Fixtures.sealedFiles(dir);
        assertEquals(FILES, files.size());
    }

    private RecoveryReport reopen() throws IOException {
        try (Spool spool = Spool.open(Fixtures.config(dir).build())) {
            return spool.recovery();
        }
    }

    private long goodRowsExcept(Path bad) {
        return (long) ROWS_PER_FILE * (files.contains(bad) ? FILES - 1 : FILES);
    }

    @Test
    void zeroLengthSealedFileIsQuarantinedWithReason() throws Exception {
        Path victim = files.get(1);
        Files.write(victim, new byte[0]);
        RecoveryReport r = reopen();
        assertEquals(1, r.filesQuarantined(), r.toString());
        assertFalse(Files.exists(victim));
        Path moved = dir.resolve("quarantine/metrics").resolve(victim.getFileName());
        assertTrue(Files.exists(moved), "quarantined file kept for inspection");
        assertTrue(Files.readString(moved.resolveSibling(victim.getFileName() + ".reason")).contains("reason: EMPTY"));
        assertEquals(goodRowsExcept(victim), Scanner.of(dir).page(ScanQuery.all()).total());
        assertEquals(List.of(), Scanner.of(dir).page(ScanQuery.all()).problems());
    }

    @Test
    void garbageSealedFileIsReportedNeverFatal() throws Exception {
        Path victim = files.get(2);
        Files.write(victim, "definitely not a brotli stream\n".repeat(50).getBytes(StandardCharsets.UTF_8));
        reopen(); // must not throw
        Verifier.Result v = Verifier.verify(victim);
        assertFalse(v.ok());
        assertNotNull(v.reason());
        ScanPage page = Scanner.of(dir).page(ScanQuery.all());
        assertEquals(1, page.problems().size(), page.problems().toString());
        assertTrue(page.problems().get(0).contains(victim.getFileName().toString()), page.problems().get(0));
        assertTrue(page.total() >= goodRowsExcept(victim), "the good files still read");
        for (Path f : files) if (!f.equals(victim)) assertTrue(Verifier.verify(f).ok());
    }

    @Test
    void truncatedSealedFileIsReportedAsTruncated() throws Exception {
        Path victim = files.get(0);
        byte[] full = Files.readAllBytes(victim);
        Files.write(victim, Arrays.copyOf(full, full.length - 3));
        reopen();
        Verifier.Result v = Verifier.verify(victim);
        assertEquals(QuarantineReason.TRUNCATED, v.reason(), v.toString());
        ScanPage page = Scanner.of(dir).page(ScanQuery.all());
        assertEquals(1, page.problems().size());
        assertTrue(page.total() >= goodRowsExcept(victim));
    }

    @Test
    void trailingBytesAfterTheStreamAreReported() throws Exception {
        Path victim = files.get(3);
        byte[] full = Files.readAllBytes(victim);
        byte[] longer = Arrays.copyOf(full, full.length + 5);
        Files.write(victim, longer);
        reopen();
        Verifier.Result v = Verifier.verify(victim);
        assertEquals(QuarantineReason.UNDECODABLE, v.reason(), v.toString());
        assertEquals(1, Scanner.of(dir).page(ScanQuery.all()).problems().size());
    }

    @Test
    void fileWithRowsMissingDisagreesWithItsName() throws Exception {
        // A well-formed Brotli file whose content does not match the counts in its name.
        Path victim = files.get(0);
        Path other = files.get(1);
        Files.copy(other, victim, StandardCopyOption.REPLACE_EXISTING);
        Verifier.Result v = Verifier.verify(victim);
        assertEquals(QuarantineReason.CONTENT_MISMATCH, v.reason(), v.toString());
    }

    @Test
    void strayFileInSealedIsQuarantinedAsUnrecognised() throws Exception {
        Path stray = files.get(0).resolveSibling("notes.txt");
        Files.writeString(stray, "hello");
        Path strayAtTop = dir.resolve("sealed/README");
        Files.writeString(strayAtTop, "hello");
        RecoveryReport r = reopen();
        assertEquals(2, r.filesQuarantined(), r.toString());
        assertFalse(Files.exists(stray));
        assertFalse(Files.exists(strayAtTop));
        for (Path reason : Fixtures.filesUnder(dir.resolve("quarantine"), ".reason")) {
            assertTrue(Files.readString(reason).contains("reason: UNRECOGNISED_NAME"));
        }
        RecoveryTest.assertReasonFilesNextToQuarantined(dir);
        assertEquals(FILES * ROWS_PER_FILE, Scanner.of(dir).page(ScanQuery.all()).total());
    }

    @Test
    void flippedBitsNeverStopStartupAndAreMostlyDetected() throws Exception {
        byte[][] originals = new byte[FILES][];
        List<List<String>> originalLines = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            originals[i] = Files.readAllBytes(files.get(i));
            originalLines.add(Fixtures.lines(files.get(i)));
        }
        Random rnd = new Random(314);
        int detected = 0;
        int unchanged = 0;
        int undetected = 0;
        int flips = 100;
        for (int k = 0; k < flips; k++) {
            int fi = rnd.nextInt(FILES);
            Path victim = files.get(fi);
            byte[] bytes = originals[fi].clone();
            int bit = rnd.nextInt(bytes.length * 8);
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(victim, bytes);
            String ctx = "bit " + bit + " of " + victim.getFileName();

            reopen(); // never throws
            ScanPage page = Scanner.of(dir).page(ScanQuery.all()); // never throws
            for (Row row : page.rows()) assertTrue(Fixtures.parse(row.json()).isObject(), ctx);
            Verifier.Result v = Verifier.verify(victim);
            List<String> decoded = null;
            try {
                decoded = Fixtures.lines(victim);
            } catch (IOException e) {
                assertFalse(v.ok(), ctx + ": decode failed but the verifier passed it");
                assertTrue(page.problems().stream().anyMatch(p -> p.contains(victim.getFileName().toString())),
                        ctx + ": the scanner did not report " + page.problems());
            }
            if (!v.ok()) {
                detected++;
            } else if (decoded != null && decoded.equals(originalLines.get(fi))) {
                unchanged++; // the flip hit bits the decoder ignores
            } else {
                undetected++; // Brotli has no checksum: a flip inside a literal can yield other, valid JSON
                assertNotNull(decoded, ctx);
                assertEquals(ROWS_PER_FILE, decoded.size(), ctx);
            }
            Files.write(victim, originals[fi]);
        }
        assertTrue(detected >= flips * 0.6, "detected " + detected + ", unchanged " + unchanged + ", undetected " + undetected);
        assertEquals(FILES * ROWS_PER_FILE, Scanner.of(dir).page(ScanQuery.all()).total());
    }
}
