package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Scanner#copy} and {@link Scanner#scanBytes} give the rows {@link Scanner#page} gives, as bytes. */
class ScannerCopyTest {
    @TempDir static Path spoolDir;
    @TempDir Path scratch;

    @BeforeAll
    static void writeFixture() throws Exception {
        ScannerTest.writeFixture(spoolDir);
    }

    private static String copy(Path dir, ScanQuery q) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Scanner.Summary s = Scanner.of(dir).copy(q, out);
        assertEquals(List.of(), s.problems());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String paged(Path dir, ScanQuery q) throws IOException {
        StringBuilder s = new StringBuilder();
        for (Row r : Scanner.of(dir).page(q).rows()) s.append(r.json()).append('\n');
        return s.toString();
    }

    @Test
    void copyWritesWhatPageReads() throws Exception {
        List<ScanQuery> queries = List.of(ScanQuery.all(), ScanQuery.builder().stream("events").build(),
                ScanQuery.builder().text("disk full").build(), ScanQuery.builder().text("N2").name("mem_bytes").build(),
                ScanQuery.builder().label("node", "n1").build(), ScanQuery.builder().from(T0 + 250_500).to(T0 + 612_300).build(),
                ScanQuery.builder().name("mem_bytes").offset(7).limit(30).build(), ScanQuery.builder().offset(1015).build(),
                ScanQuery.builder().text("kubelet").offset(3).limit(2).build());
        for (ScanQuery q : queries) {
            String expected = paged(spoolDir, q);
            assertEquals(expected, copy(spoolDir, q), q.text() + " " + q.name() + " " + q.labels());
            List<String> lines = new ArrayList<>();
            Scanner.of(spoolDir).scanBytes(q, (stream, b, off, len) -> lines.add(new String(b, off, len, StandardCharsets.UTF_8)));
            assertEquals(expected, lines.stream().map(l -> l + "\n").reduce("", String::concat));
        }
        assertEquals(1020, Scanner.of(spoolDir).copy(ScanQuery.builder().limit(3).build(), OutputStream.nullOutputStream()).matched(),
                "copy counts every match, as page does");
    }

    @Test
    void aFilterThatFailsOnADecodingThreadFailsTheScan() throws Exception {
        // the filters run on the decoding threads: what one throws reaches the caller, not a silent short answer
        ScanQuery q = ScanQuery.builder().from(T0 + 250_500).to(T0 + 612_300).timeField("ts", (p, v) -> {
            throw new IllegalStateException("a time reader that fails");
        }).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Scanner.of(spoolDir).copy(q, OutputStream.nullOutputStream(), false));
        assertEquals("a time reader that fails", e.getMessage());
    }

    @Test
    void aVisitorThatStopsInABlockHasReadTheRowsUpToItsOwn() throws Exception {
        int[] seen = {0};
        Scanner.Summary s = Scanner.of(spoolDir).scanBytes(ScanQuery.all(), (stream, b, off, len) -> ++seen[0] < 700);
        assertEquals(700, s.rowsRead());
        assertEquals(700, s.matched());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        assertEquals(-1, Scanner.of(spoolDir).copy(ScanQuery.all(), all, false).matched(), "not counted when not asked");
        assertEquals(copy(spoolDir, ScanQuery.all()), all.toString(StandardCharsets.UTF_8));
    }

    @Test
    void rowsLongerThanABlockComeThroughWhole() throws Exception {
        String big = "x".repeat(700_000);
        try (Spool spool = Spool.open(Fixtures.config(scratch).shardsPerStream(1).build())) {
            StreamWriter e = spool.writer("events");
            for (int i = 0; i < 5; i++) Fixtures.appendJson(e, "{\"ts\":" + (T0 + i) + ",\"i\":" + i + ",\"msg\":\"" + big + "\"}");
        }
        String all = copy(scratch, ScanQuery.all());
        assertEquals(paged(scratch, ScanQuery.all()), all);
        assertEquals(5, all.lines().count());
        assertEquals(1, copy(scratch, ScanQuery.builder().text("\"i\":3,").build()).lines().count());
    }

    @Test
    void aNameOrLabelSpelledWithEscapesIsFoundInBlocksWithAndWithoutThem() throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(scratch).shardsPerStream(1).build())) {
            StreamWriter e = spool.writer("events");
            for (int i = 0; i < 50; i++) Fixtures.appendJson(e, "{\"ts\":" + (T0 + i) + ",\"name\":\"café\",\"labels\":{\"k\":\"v\"}}");
            e.seal(); // a file without a backslash in it
            for (int i = 50; i < 100; i++) {
                String name = i % 2 == 0 ? "caf\\u00e9" : "café";
                String value = i % 3 == 0 ? "\\u0076" : "v";
                Fixtures.appendJson(e, "{\"ts\":" + (T0 + i) + ",\"name\":\"" + name + "\",\"labels\":{\"k\":\"" + value + "\"}}");
            }
        }
        assertEquals(100, copy(scratch, ScanQuery.builder().name("café").build()).lines().count());
        assertEquals(100, copy(scratch, ScanQuery.builder().label("k", "v").build()).lines().count());
        assertEquals(0, copy(scratch, ScanQuery.builder().label("k", "\\u0076").build()).lines().count());
        assertEquals(paged(scratch, ScanQuery.builder().name("café").label("k", "v").build()),
                copy(scratch, ScanQuery.builder().name("café").label("k", "v").build()));
    }

    @Test
    void prunedFilesAreNeverOpenedByCopy() throws Exception {
        ScannerTest.writeFixture(scratch);
        for (Path f : Fixtures.sealedFiles(scratch)) {
            SegmentName n = SegmentName.parse(f.getFileName().toString());
            if (n.stream().equals("metrics") && !n.overlaps(T0 + 500_000, T0 + 600_000)) {
                Files.write(f, "garbage, not brotli".getBytes(StandardCharsets.UTF_8));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Scanner.Summary s = Scanner.of(scratch).copy(ScanQuery.builder().from(T0 + 500_000).to(T0 + 600_000).build(), out);
        assertEquals(List.of(), s.problems(), "a pruned file would be reported if it were opened");
        assertEquals(10, s.filesPruned());
        assertEquals(100, out.toString(StandardCharsets.UTF_8).lines().count());
    }

    @Test
    void anOutputErrorIsThrownNotReportedAsAProblem() {
        OutputStream closedPipe = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        IOException e = assertThrows(IOException.class, () -> Scanner.of(spoolDir).copy(ScanQuery.all(), closedPipe));
        assertEquals("Broken pipe", e.getMessage());
    }
}
