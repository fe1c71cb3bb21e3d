package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery when a spool opens. The source is a real temp file: rows appended and flushed in
 * batches, then more rows compressed but never flushed, copied while its spool was still open.
 */
class RecoveryTest {
    private static final String ID = "0192f3a4b5c6d7e8f9a0";
    private static final String TEMP_NAME = "metrics." + ID + SpoolLayout.TEMP_SUFFIX;

    @TempDir static Path sourceDir;
    @TempDir Path dir;

    /** The temp file's bytes. */
    private static byte[] source;
    /** Every row appended to it, in order. */
    private static List<String> expected;
    /** The rows the whole temp file holds: the flushed ones and the part of the unflushed tail that reached it. */
    private static List<String> complete;
    /** Temp file size after each flush, and the rows appended before it. */
    private static final List<long[]> flushPoints = new ArrayList<>();

    @BeforeAll
    static void writeSourceTempFile() throws Exception {
        List<String> rows = new ArrayList<>();
        Random rnd = new Random(1);
        try (Spool spool = Spool.open(Fixtures.config(sourceDir).shardsPerStream(1).build())) {
            StreamWriter w = spool.writer("metrics");
            int i = 0;
            for (int batch = 0; batch < 12; batch++) {
                int n = 1 + rnd.nextInt(batch % 3 == 0 ? 3000 : 300);
                for (int k = 0; k < n; k++, i++) rows.add(append(w, i, i % 50 == 0));
                w.flush();
                flushPoints.add(new long[] {Files.size(onlyTemp(sourceDir)), rows.size()});
            }
            // More than the encoder's input buffer (1 MiB), unflushed: part of it reaches the file compressed
            // but not flushed, as it would when a crash comes between flushes.
            for (int k = 0; k < 600; k++, i++) rows.add(append(w, i, true));
            source = Files.readAllBytes(onlyTemp(sourceDir));
        }
        expected = rows;
        assertTrue(source.length > flushPoints.get(flushPoints.size() - 1)[0], "the unflushed tail should have reached the file");
        Path copy = Files.write(sourceDir.resolve("source.bin"), source);
        complete = Fixtures.readablePrefixLines(copy);
        assertPrefixOfExpected(complete, "the source temp file");
        assertTrue(complete.size() > flushPoints.get(flushPoints.size() - 1)[1], "part of the unflushed tail is readable");
    }

    private static String append(StreamWriter w, int i, boolean big) throws Exception {
        String pod = "pod-" + (i % 37) + "-\u00e9";
        String msg = big ? (i + " ").repeat(3000 / (1 + Integer.toString(i).length())) : "short";
        String json = "{\"ts\":" + (T0 + i) + ",\"i\":" + i + ",\"pod\":\"" + pod + "\",\"msg\":\"" + msg + "\"}";
        Fixtures.appendJson(w, json);
        return json;
    }

    private static Path onlyTemp(Path spoolDir) throws Exception {
        List<Path> temps = Fixtures.activeFiles(spoolDir);
        assertEquals(1, temps.size(), temps.toString());
        return temps.get(0);
    }

    private static Path writeTemp(Path spoolDir, String name, byte[] content) throws Exception {
        Path active = spoolDir.resolve(SpoolLayout.ACTIVE);
        Files.createDirectories(active);
        return Files.write(active.resolve(name), content);
    }

    private static RecoveryReport open(Path spoolDir) throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(spoolDir).build())) {
            return spool.recovery();
        }
    }

    /** Salvaged rows must be a prefix of what was appended: in order, none twice, none torn. */
    private static void assertPrefixOfExpected(List<String> lines, String context) {
        assertTrue(lines.size() <= expected.size(), context + ": more rows than were ever written");
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals(expected.get(i))) {
                throw new AssertionError(context + ": row " + i + " is " + Fixtures.clip(lines.get(i)) + ", expected "
                        + Fixtures.clip(expected.get(i)));
            }
        }
    }

    private static long rowsFlushedWithin(long bytes) {
        long rows = 0;
        for (long[] p : flushPoints) if (p[0] <= bytes) rows = p[1];
        return rows;
    }

    @Test
    void tempFileCutAtRandomOffsetsIsSalvagedWithoutTornOrDuplicateRows() throws Exception {
        TreeSet<Integer> cuts = new TreeSet<>(List.of(0, 1, 2, 3, source.length - 1, source.length));
        for (long[] p : flushPoints) {
            cuts.add((int) p[0] - 1);
            cuts.add((int) p[0]);
            cuts.add((int) p[0] + 1);
        }
        Random rnd = new Random(20251122);
        while (cuts.size() < 110) cuts.add(rnd.nextInt(source.length + 1));

        long previousRows = 0;
        for (int cut : cuts) {
            Path d = dir.resolve("cut-" + cut);
            Path cutCopy = Files.write(dir.resolve("cut-" + cut + ".bin"), Arrays.copyOf(source, cut));
            writeTemp(d, TEMP_NAME, Arrays.copyOf(source, cut));
            RecoveryReport r = open(d);
            String ctx = "cut at " + cut + " of " + source.length + ": " + r;

            List<String> lines = Fixtures.allSealedLines(d);
            assertPrefixOfExpected(lines, ctx);
            assertTrue(lines.size() >= rowsFlushedWithin(cut), ctx + ": lost flushed rows, got " + lines.size());
            assertTrue(lines.size() >= previousRows, ctx + ": a longer prefix salvaged fewer rows");
            previousRows = lines.size();
            assertEquals(lines.size(), r.rowsSalvaged(), ctx);
            assertEquals(lines.isEmpty() ? 0 : 1, r.tempFilesSalvaged(), ctx);
            assertEquals(lines.isEmpty() ? 1 : 0, r.tempFilesRemoved(), ctx);
            assertEquals(0, r.filesQuarantined(), ctx);
            assertEquals(0, r.badLinesDropped(), ctx);
            long salvagedBytes = lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1).sum();
            long decodable = Fixtures.readablePrefixBytes(cutCopy).length;
            assertEquals(decodable - salvagedBytes, r.tornBytesDropped(), ctx + ": torn tail not counted");
            assertTrue(Fixtures.activeFiles(d).isEmpty(), ctx + ": left in active/: " + Fixtures.activeFiles(d));

            List<Path> sealed = Fixtures.sealedFiles(d);
            assertEquals(lines.isEmpty() ? 0 : 1, sealed.size(), ctx);
            for (Path f : sealed) {
                assertEquals(ID, SegmentName.parse(f.getFileName().toString()).id(), "salvage keeps the id");
                Verifier.Result v = Verifier.verify(f);
                assertTrue(v.ok(), ctx + ": " + v.problem());
            }
            // Opening again finds nothing to do and duplicates nothing.
            RecoveryReport again = open(d);
            assertTrue(again.clean(), ctx + ": second open: " + again);
            Fixtures.assertSameLines(lines, Fixtures.allSealedLines(d), ctx);
        }
        assertEquals(complete.size(), previousRows, "the whole file salvages every row it holds");
    }

    @Test
    void tempFileWithGarbageAfterAReadablePrefixKeepsThePrefix() throws Exception {
        // What a power loss can leave: the synced prefix, then bytes that were never written.
        Random rnd = new Random(5);
        for (int k = 0; k < 30; k++) {
            int cut = rnd.nextInt(source.length);
            byte[] garbage = new byte[1 + rnd.nextInt(2000)];
            rnd.nextBytes(garbage);
            byte[] content = Arrays.copyOf(source, cut + garbage.length);
            System.arraycopy(garbage, 0, content, cut, garbage.length);
            Path d = dir.resolve("garbage-" + k);
            writeTemp(d, TEMP_NAME, content);
            Path prefixOnly = Files.write(dir.resolve("garbage-" + k + ".bin"), Arrays.copyOf(source, cut));
            int intact = Fixtures.readablePrefixLines(prefixOnly).size();

            RecoveryReport r = open(d);
            String ctx = "cut at " + cut + " + " + garbage.length + " garbage bytes: " + r;
            List<String> lines = Fixtures.allSealedLines(d);
            // Every line that ended before the garbage is kept exactly. Brotli has no checksum, so the
            // garbage itself may decode into lines: they must at least be JSON objects.
            assertTrue(lines.size() >= intact, ctx + ": lost rows before the garbage, kept " + lines.size() + " of " + intact);
            assertPrefixOfExpected(lines.subList(0, intact), ctx);
            for (String line : lines) assertTrue(Fixtures.parse(line).isObject(), ctx);
            assertTrue(Fixtures.activeFiles(d).isEmpty(), ctx);
            assertEquals(1, r.tempFilesSalvaged() + r.tempFilesRemoved() + r.filesQuarantined(), ctx);
            assertReasonFilesNextToQuarantined(d);
        }
    }

    @Test
    void tempFileThatIsGarbageOrEmptyNeverStopsStartup() throws Exception {
        Random rnd = new Random(11);
        List<byte[]> contents = new ArrayList<>(List.of(
                new byte[0],
                "this is not brotli at all\n".getBytes(StandardCharsets.UTF_8),
                "{\"ts\":1,\"plain\":\"json, uncompressed\"}\n".getBytes(StandardCharsets.UTF_8),
                new byte[4096],
                filled(100, 0xff)));
        for (int k = 0; k < 20; k++) {
            byte[] b = new byte[1 + rnd.nextInt(5000)];
            rnd.nextBytes(b);
            contents.add(b);
        }
        for (int k = 0; k < contents.size(); k++) {
            Path d = dir.resolve("bad-" + k);
            writeTemp(d, TEMP_NAME, contents.get(k));
            RecoveryReport r = open(d);
            String ctx = "content " + k + " (" + contents.get(k).length + " bytes): " + r;
            assertTrue(Fixtures.activeFiles(d).isEmpty(), ctx);
            assertEquals(1, r.tempFilesSalvaged() + r.tempFilesRemoved() + r.filesQuarantined(), ctx);
            if (contents.get(k).length == 0) assertEquals(1, r.tempFilesRemoved(), ctx);
            for (String line : Fixtures.allSealedLines(d)) assertTrue(Fixtures.parse(line).isObject(), ctx);
            assertReasonFilesNextToQuarantined(d);
            assertEquals(1, r.events().size(), ctx);
        }
    }

    @Test
    void tempFilesWithNamesThatAreNotOursAreQuarantined() throws Exception {
        List<String> names = List.of("notes.txt", "metrics.json.br.tmp", "Metrics." + ID + SpoolLayout.TEMP_SUFFIX,
                "metrics.not-an-id" + SpoolLayout.TEMP_SUFFIX, "metrics." + ID.toUpperCase() + SpoolLayout.TEMP_SUFFIX);
        for (String name : names) writeTemp(dir, name, Arrays.copyOf(source, source.length / 2));
        RecoveryReport r = open(dir);
        assertEquals(names.size(), r.filesQuarantined(), r.toString());
        assertTrue(Fixtures.activeFiles(dir).isEmpty());
        assertTrue(Fixtures.sealedFiles(dir).isEmpty());
        for (Path reason : Fixtures.filesUnder(dir.resolve(SpoolLayout.QUARANTINE), ".reason")) {
            assertTrue(Files.readString(reason).contains("reason: " + QuarantineReason.UNRECOGNISED_NAME), reason + ": " + Files.readString(reason));
        }
        assertReasonFilesNextToQuarantined(dir);
    }

    @Test
    void interruptedSalvageIsRedoneWithoutDuplicates() throws Exception {
        // A crash mid-salvage leaves the salvage output next to its untouched source.
        writeTemp(dir, TEMP_NAME, source);
        writeTemp(dir, "metrics." + ID + ".salvage" + SpoolLayout.TEMP_SUFFIX, Arrays.copyOf(source, source.length / 3));
        RecoveryReport r = open(dir);
        assertEquals(1, r.tempFilesSalvaged(), r.toString());
        Fixtures.assertSameLines(complete, Fixtures.allSealedLines(dir), "after the redone salvage");
        assertTrue(Fixtures.activeFiles(dir).isEmpty(), Fixtures.activeFiles(dir).toString());
    }

    @Test
    void salvageSealedButSourceNotYetDeletedIsNotResealed() throws Exception {
        writeTemp(dir, TEMP_NAME, source);
        open(dir);
        Fixtures.assertSameLines(complete, Fixtures.allSealedLines(dir), "first salvage");
        // A crash after the salvage's rename, before its source was deleted: the source is back.
        writeTemp(dir, TEMP_NAME, source);
        RecoveryReport r = open(dir);
        assertEquals(1, r.tempFilesRemoved(), r.toString());
        assertEquals(0, r.tempFilesSalvaged(), r.toString());
        Fixtures.assertSameLines(complete, Fixtures.allSealedLines(dir), "rows sealed twice?");
        assertTrue(Fixtures.activeFiles(dir).isEmpty());
    }

    @Test
    void severalTempFilesOfSeveralStreamsAreAllSalvaged() throws Exception {
        int cut = (int) flushPoints.get(5)[0];
        writeTemp(dir, "metrics." + ID + SpoolLayout.TEMP_SUFFIX, Arrays.copyOf(source, cut));
        writeTemp(dir, "cost.0192f3a4b5c6d7e8f9a1" + SpoolLayout.TEMP_SUFFIX, source);
        writeTemp(dir, "metrics.0192f3a4b5c6d7e8f9a2" + SpoolLayout.TEMP_SUFFIX, new byte[0]);
        RecoveryReport r = open(dir);
        assertEquals(2, r.tempFilesSalvaged(), r.toString());
        assertEquals(1, r.tempFilesRemoved(), r.toString());
        ScanPage cost = Scanner.of(dir).page(ScanQuery.builder().stream("cost").build());
        assertEquals(complete.size(), cost.total());
        ScanPage metrics = Scanner.of(dir).page(ScanQuery.builder().stream("metrics").build());
        assertTrue(metrics.total() >= flushPoints.get(5)[1]);
    }

    @Test
    void recoveredSpoolKeepsWriting() throws Exception {
        writeTemp(dir, TEMP_NAME, source);
        try (Spool spool = Spool.open(Fixtures.config(dir).build())) {
            assertEquals(complete.size(), spool.recovery().rowsSalvaged());
            Fixtures.appendJson(spool.writer("metrics"), "{\"ts\":" + T0 + ",\"after\":\"recovery\"}");
        }
        assertEquals(complete.size() + 1, Scanner.of(dir).page(ScanQuery.all()).total());
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** Every quarantined file has a .reason file next to it saying why. */
    static void assertReasonFilesNextToQuarantined(Path spoolDir) throws Exception {
        for (Path f : Fixtures.filesUnder(spoolDir.resolve(SpoolLayout.QUARANTINE), "")) {
            if (f.getFileName().toString().endsWith(".reason")) continue;
            Path reason = f.resolveSibling(f.getFileName() + ".reason");
            assertTrue(Files.exists(reason), "no reason for " + f);
            String text = Files.readString(reason);
            assertTrue(text.startsWith("reason: "), text);
            assertFalse(text.contains("reason: null"), text);
        }
    }
}
