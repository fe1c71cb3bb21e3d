package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed files damaged on disk: startup never throws, and each bad file is quarantined with a
 * reason or reported by the Verifier and the Scanner while the good files still read. Every
 * damage is detected: the seal trailer's CRCs catch what Brotli alone decodes to other valid JSON.
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

    /** Startup quarantines a sealed file without its seal trailer (garbage, truncated, extended); the rest reads. */
    private void assertQuarantinedAtStartup(Path victim, QuarantineReason reason) throws Exception {
        RecoveryReport r = reopen(); // must not throw
        assertEquals(1, r.filesQuarantined(), r.toString());
        assertFalse(Files.exists(victim));
        Path moved = dir.resolve("quarantine/metrics").resolve(victim.getFileName());
        assertTrue(Files.readString(moved.resolveSibling(victim.getFileName() + ".reason")).contains("reason: " + reason));
        ScanPage page = Scanner.of(dir).page(ScanQuery.all());
        assertEquals(List.of(), page.problems());
        assertEquals(goodRowsExcept(victim), page.total(), "the good files still read");
        for (Path f : files) if (!f.equals(victim)) assertTrue(Verifier.verify(f).ok());
    }

    @Test
    void garbageSealedFileIsQuarantinedNeverFatal() throws Exception {
        Path victim = files.get(2);
        Files.write(victim, "definitely not a brotli stream\n".repeat(50).getBytes(StandardCharsets.UTF_8));
        Verifier.Result v = Verifier.verify(victim);
        assertEquals(QuarantineReason.MISSING_CHECKSUM, v.reason(), v.toString());
        assertTrue(v.problem().contains("no intact seal trailer"), v.problem());
        assertQuarantinedAtStartup(victim, QuarantineReason.MISSING_CHECKSUM);
    }

    @Test
    void truncatedSealedFileIsQuarantined() throws Exception {
        Path victim = files.get(0);
        byte[] full = Files.readAllBytes(victim);
        Files.write(victim, Arrays.copyOf(full, full.length - 3));
        assertEquals(QuarantineReason.MISSING_CHECKSUM, Verifier.verify(victim).reason());
        assertQuarantinedAtStartup(victim, QuarantineReason.MISSING_CHECKSUM);
    }

    @Test
    void trailingBytesAfterTheStreamAreQuarantined() throws Exception {
        Path victim = files.get(3);
        byte[] full = Files.readAllBytes(victim);
        Files.write(victim, Arrays.copyOf(full, full.length + 5));
        assertEquals(QuarantineReason.MISSING_CHECKSUM, Verifier.verify(victim).reason());
        assertQuarantinedAtStartup(victim, QuarantineReason.MISSING_CHECKSUM);
    }

    @Test
    void contentThatDecodesDifferentlyIsACheckSumMismatchForTheScanner() throws Exception {
        // A file whose prefix CRC was forged to match: only the content CRC can catch it.
        Path victim = files.get(1);
        byte[] full = Files.readAllBytes(victim);
        SealTrailer.Seal seal = SealTrailer.decode(Arrays.copyOfRange(full, full.length - SealTrailer.SIZE, full.length));
        byte[] forged = SealTrailer.encode(seal.prefixBytes(), seal.prefixCrc(), seal.contentCrc() ^ 1);
        System.arraycopy(forged, 0, full, full.length - SealTrailer.SIZE, SealTrailer.SIZE);
        Files.write(victim, full);
        ScanPage page = Scanner.of(dir).page(ScanQuery.all());
        assertEquals(1, page.problems().size(), page.problems().toString());
        assertTrue(page.problems().get(0).contains(victim.getFileName() + ": the CRC32C of its decoded content"),
                page.problems().get(0));
        assertEquals(QuarantineReason.CHECKSUM_MISMATCH, Verifier.verify(victim).reason());
        IOException e = assertThrows(IOException.class, () -> Scanner.lines(victim, (b, off, len) -> { }));
        assertTrue(e.getMessage().contains(victim.toString()), e.getMessage());
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
    void flippedBitsNeverStopStartupAndAreAllDetected() throws Exception {
        byte[][] originals = new byte[FILES][];
        for (int i = 0; i < FILES; i++) originals[i] = Files.readAllBytes(files.get(i));
        Random rnd = new Random(314);
        int flips = 100;
        for (int k = 0; k < flips; k++) {
            int fi = rnd.nextInt(FILES);
            Path victim = files.get(fi);
            byte[] bytes = originals[fi].clone();
            int bit = rnd.nextInt(bytes.length * 8);
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(victim, bytes);
            String ctx = "bit " + bit + " of " + victim.getFileName();
            assertFalse(Verifier.verify(victim).ok(), ctx + ": the verifier passed it");

            RecoveryReport r = reopen(); // never throws; quarantines a flip in the trailer
            ScanPage page = Scanner.of(dir).page(ScanQuery.all()); // never throws
            for (Row row : page.rows()) assertTrue(Fixtures.parse(row.json()).isObject(), ctx);
            if (r.filesQuarantined() == 1) {
                assertFalse(Files.exists(victim), ctx);
            } else {
                assertEquals(0, r.filesQuarantined(), ctx);
                assertFalse(Verifier.verify(victim).ok(), ctx);
            }
            Files.write(victim, originals[fi]);
        }
        assertEquals(FILES * ROWS_PER_FILE, Scanner.of(dir).page(ScanQuery.all()).total());
    }
}
