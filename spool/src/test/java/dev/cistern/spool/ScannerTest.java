package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scanner over a fixed spool: stream "metrics" has 1000 rows i = 0..999 at T0 + i s, 100 per file
 * (10 files), named cpu_seconds_total (even i) or mem_bytes (odd i), labelled node=n(i%4);
 * stream "events" has 20 JSON rows, the even ones saying "Disk FULL".
 */
class ScannerTest {
    private static final int METRIC_ROWS = 1000;
    private static final int EVENT_ROWS = 20;
    private static final int ALL_ROWS = METRIC_ROWS + EVENT_ROWS;

    @TempDir static Path spoolDir;
    @TempDir Path scratch;

    @BeforeAll
    static void writeFixture() throws Exception {
        writeFixture(spoolDir);
    }

    static void writeFixture(Path dir) throws Exception {
        Series[] series = new Series[8];
        for (int k = 0; k < 8; k++) {
            series[k] = Series.of(k % 2 == 0 ? "cpu_seconds_total" : "mem_bytes", Labels.of("job", "kubelet", "node", "n" + (k % 4)));
        }
        try (Spool spool = Spool.open(Fixtures.config(dir).shardsPerStream(1).rotation(Fixtures.NEVER.withMaxRows(100)).build())) {
            StreamWriter m = spool.writer("metrics");
            for (int i = 0; i < METRIC_ROWS; i++) m.append(series[i % 8], T0 + i * 1000L, i);
            StreamWriter e = spool.writer("events");
            for (int i = 0; i < EVENT_ROWS; i++) {
                String msg = i % 2 == 0 ? "Disk FULL on node n" + (i % 4) : "all good";
                Fixtures.appendJson(e, "{\"ts\":" + (T0 + i * 1000L) + ",\"level\":\"warn\",\"msg\":\"" + msg + "\"}");
            }
        }
    }

    private static ScanPage page(ScanQuery.Builder q) throws Exception {
        return Scanner.of(spoolDir).page(q.build());
    }

    private static int index(Row r) {
        return Fixtures.parse(r.json()).get("value").asInt();
    }

    @Test
    void aRowWithoutANumericTimeIsKeptWhenItsWholeFileIsInRange() {
        byte[] row = "{\"name\":\"m\",\"ts\":\"2025-11-22T01:00:00Z\",\"value\":1}".getBytes(StandardCharsets.UTF_8);
        RowFilter allTime = new RowFilter(ScanQuery.builder().from(0).to(Long.MAX_VALUE - 1).build(), false);
        assertTrue(allTime.matches(row, 0, row.length, false, true), "a file wholly in range keeps every row");
        assertFalse(allTime.matches(row, 0, row.length, false, false), "in a file partly in range, an unplaceable row is out");
        byte[] fractional = "{\"name\":\"m\",\"ts\":1763773200000.5}".getBytes(StandardCharsets.UTF_8);
        RowFilter hour = new RowFilter(ScanQuery.builder().from(T0).to(T0 + 3_600_000).build(), false);
        assertTrue(hour.matches(fractional, 0, fractional.length, false, false));
        assertEquals(T0, hour.row("s", fractional, 0, fractional.length).ts());
    }

    @Test
    void readsEveryRowBackWithNoProblems() throws Exception {
        ScanPage p = page(ScanQuery.builder());
        assertEquals(ALL_ROWS, p.total());
        assertEquals(ALL_ROWS, p.rows().size());
        assertEquals(List.of(), p.problems());
        assertEquals(11, p.filesScanned());
        assertEquals(0, p.filesPruned());
        for (Row r : p.rows()) assertTrue(Fixtures.parse(r.json()).isObject());
    }

    @Test
    void filtersByMetricName() throws Exception {
        ScanPage p = page(ScanQuery.builder().name("cpu_seconds_total"));
        assertEquals(METRIC_ROWS / 2, p.total());
        assertEquals(METRIC_ROWS / 2, p.rows().size());
        for (Row r : p.rows()) {
            assertEquals("cpu_seconds_total", r.name());
            assertEquals("cpu_seconds_total", Fixtures.parse(r.json()).get("name").asText());
            assertEquals(0, index(r) % 2);
        }
        assertEquals(0, page(ScanQuery.builder().name("cpu_seconds")).total(), "a name matches exactly, not by prefix");
        assertEquals(0, page(ScanQuery.builder().name("CPU_SECONDS_TOTAL")).total(), "a name is case-sensitive");
    }

    @Test
    void filtersByLabelEquality() throws Exception {
        ScanPage n1 = page(ScanQuery.builder().label("node", "n1"));
        assertEquals(METRIC_ROWS / 4, n1.total());
        for (Row r : n1.rows()) {
            assertEquals("n1", Fixtures.parse(r.json()).get("labels").get("node").asText());
            assertEquals(1, index(r) % 4);
        }
        assertEquals(METRIC_ROWS / 4, page(ScanQuery.builder().label("node", "n1").name("mem_bytes")).total());
        assertEquals(0, page(ScanQuery.builder().label("node", "n1").name("cpu_seconds_total")).total());
        assertEquals(METRIC_ROWS / 4, page(ScanQuery.builder().label("node", "n2").label("job", "kubelet")).total());
        assertEquals(0, page(ScanQuery.builder().label("node", "n2").label("job", "other")).total());
        assertEquals(0, page(ScanQuery.builder().label("node", "n")).total(), "label values match exactly");
        assertEquals(0, page(ScanQuery.builder().label("absent", "n1")).total());
    }

    @Test
    void freeTextSearchIgnoresCase() throws Exception {
        for (String needle : List.of("disk full", "DISK FULL", "Disk Full", "dIsK fUlL")) {
            ScanPage p = page(ScanQuery.builder().text(needle));
            assertEquals(EVENT_ROWS / 2, p.total(), needle);
            for (Row r : p.rows()) assertTrue(r.json().contains("Disk FULL"), r.json());
        }
        assertEquals(METRIC_ROWS + EVENT_ROWS, page(ScanQuery.builder().text("")).total(), "empty text matches everything");
        assertEquals(METRIC_ROWS, page(ScanQuery.builder().text("KUBELET")).total());
        assertEquals(0, page(ScanQuery.builder().text("disk  full")).total());
        assertEquals(5, page(ScanQuery.builder().text("full on node N2")).total());
    }

    @Test
    void timeRangeIncludesFromAndExcludesTo() throws Exception {
        ScanPage p = page(ScanQuery.builder().stream("metrics").from(T0 + 100_000).to(T0 + 200_000));
        assertEquals(100, p.total());
        List<Integer> idx = p.rows().stream().map(ScannerTest::index).toList();
        assertEquals(100, idx.get(0));
        assertEquals(199, idx.get(idx.size() - 1));
        for (Row r : p.rows()) assertTrue(r.ts() >= T0 + 100_000 && r.ts() < T0 + 200_000, r.json());

        assertEquals(1, page(ScanQuery.builder().stream("metrics").from(T0 + 5000).to(T0 + 5001)).total());
        assertEquals(0, page(ScanQuery.builder().stream("metrics").from(T0 + 5000).to(T0 + 5000)).total());
        assertThrows(IllegalArgumentException.class, () -> ScanQuery.builder().from(2).to(1).build());
    }

    @Test
    void prunesFilesByTimeRangeFromTheirNames() throws Exception {
        ScanPage p = page(ScanQuery.builder().stream("metrics").from(T0 + 250_000).to(T0 + 350_000));
        assertEquals(100, p.total());
        assertEquals(2, p.filesScanned(), "rows 200-299 and 300-399");
        assertEquals(8, p.filesPruned());

        ScanPage events = page(ScanQuery.builder().stream("events"));
        assertEquals(EVENT_ROWS, events.total());
        assertEquals(1, events.filesScanned());
        assertEquals(0, events.filesPruned(), "other streams are not even listed");

        List<SealedSegment> segs = Scanner.of(spoolDir).segments(ScanQuery.builder().from(T0 + 950_000).build());
        assertEquals(1, segs.size());
        assertEquals(T0 + 900_000, segs.get(0).name().minTs());
    }

    @Test
    void prunedFilesAreNeverOpened() throws Exception {
        writeFixture(scratch);
        // Ruin every metrics file outside the range: if the scanner opened one, it would report a problem.
        for (Path f : Fixtures.sealedFiles(scratch)) {
            SegmentName n = SegmentName.parse(f.getFileName().toString());
            if (n.stream().equals("metrics") && !n.overlaps(T0 + 500_000, T0 + 600_000)) {
                Files.write(f, "garbage, not brotli".getBytes(StandardCharsets.UTF_8));
            }
        }
        ScanPage p = Scanner.of(scratch).page(ScanQuery.builder().from(T0 + 500_000).to(T0 + 600_000).build());
        assertEquals(100, p.total());
        assertEquals(List.of(), p.problems());
        assertEquals(10, p.filesPruned(), "9 metrics files and the events file, whose rows are all earlier");

        ScanPage all = Scanner.of(scratch).page(ScanQuery.all());
        assertEquals(9, all.problems().size(), "the ruined files are reported when a scan does need them");
        assertEquals(100 + EVENT_ROWS, all.total());
    }

    @Test
    void prunedFilesAreNeverOpenedWhenFilesAndFoldersAreNamed() throws Exception {
        writeFixture(scratch); // as `cistern cat DEST_FOLDER FILE...` reads them: a destination's copy, or files picked out
        List<Path> outside = new ArrayList<>();
        Path inside = null;
        for (Path f : Fixtures.sealedFiles(scratch)) {
            SegmentName n = SegmentName.parse(f.getFileName().toString());
            if (n.stream().equals("metrics") && !n.overlaps(T0 + 500_000, T0 + 600_000)) {
                Files.write(f, "garbage, not brotli".getBytes(StandardCharsets.UTF_8));
                outside.add(f);
            } else if (n.stream().equals("metrics")) {
                inside = f;
            }
        }
        ScanQuery range = ScanQuery.builder().from(T0 + 500_000).to(T0 + 600_000).build();
        ScanPage folder = Scanner.ofFiles(List.of(scratch.resolve("sealed"))).page(range);
        assertEquals(100, folder.total());
        assertEquals(List.of(), folder.problems(), "a pruned file would be reported if it were opened");
        List<Path> named = new ArrayList<>(outside);
        named.add(inside);
        ScanPage files = Scanner.ofFiles(named).page(range);
        assertEquals(100, files.total());
        assertEquals(List.of(), files.problems());
        assertEquals(outside.size(), files.filesPruned());
    }

    @Test
    void offsetBeyondTheEndGivesNoRowsButTheTotal() throws Exception {
        ScanPage p = page(ScanQuery.builder().offset(ALL_ROWS + 5).limit(10));
        assertEquals(List.of(), p.rows());
        assertEquals(ALL_ROWS, p.total());
        ScanPage exactEnd = page(ScanQuery.builder().offset(ALL_ROWS).limit(0));
        assertEquals(List.of(), exactEnd.rows());
        assertEquals(ALL_ROWS, exactEnd.total());
    }

    @Test
    void limitZeroMeansAll() throws Exception {
        ScanPage p = page(ScanQuery.builder().limit(0));
        assertEquals(ALL_ROWS, p.rows().size());
        ScanPage fromOffset = page(ScanQuery.builder().offset(1000).limit(0));
        assertEquals(ALL_ROWS - 1000, fromOffset.rows().size());
        assertEquals(ALL_ROWS, fromOffset.total());
    }

    @Test
    void pagesCoverEveryMatchOnceAndTotalCountsAllMatches() throws Exception {
        List<String> all = page(ScanQuery.builder().name("mem_bytes")).rows().stream().map(Row::json).toList();
        List<String> paged = new ArrayList<>();
        for (long off = 0; off < all.size() + 7; off += 7) {
            ScanPage p = page(ScanQuery.builder().name("mem_bytes").offset(off).limit(7));
            assertEquals(all.size(), p.total(), "total counts all matches, not the page");
            assertEquals(Math.max(0, Math.min(7, all.size() - off)), p.rows().size());
            assertEquals(off, p.offset());
            assertEquals(7, p.limit());
            p.rows().forEach(r -> paged.add(r.json()));
        }
        assertEquals(all, paged);
        ScanPage last = page(ScanQuery.builder().name("mem_bytes").offset(all.size() - 3).limit(10));
        assertEquals(3, last.rows().size());
    }

    @Test
    void rowsComeOutInTimeOrderAcrossFilesAndBySeriesWithinOne() throws Exception {
        List<Row> rows = page(ScanQuery.builder().stream("metrics")).rows();
        assertEquals(METRIC_ROWS, rows.size());
        for (int file = 0; file < METRIC_ROWS / 100; file++) {
            List<Row> inFile = rows.subList(file * 100, file * 100 + 100);
            // a file's rows are grouped by series (SeriesBlock: by content, so series[k] and series[k + 4] are one),
            // in time order within each, series by first sample
            int at = 0;
            for (int k = 0; k < 4; k++) {
                for (int i = file * 100 + k; i < file * 100 + 100; i += 4) {
                    Row r = inFile.get(at++);
                    assertEquals(i, index(r));
                    assertEquals(T0 + i * 1000L, r.ts());
                    assertEquals("metrics", r.stream());
                }
            }
        }
    }

    @Test
    void scanDeliversOnlyTheQuerysPage() throws Exception {
        List<String> all = page(ScanQuery.builder().name("mem_bytes")).rows().stream().map(Row::json).toList();
        List<String> seen = new ArrayList<>();
        Scanner.of(spoolDir).scan(ScanQuery.builder().name("mem_bytes").offset(3).limit(5).build(), r -> seen.add(r.json()));
        assertEquals(all.subList(3, 8), seen);
        seen.clear();
        Scanner.of(spoolDir).scan(ScanQuery.builder().name("mem_bytes").offset(all.size() - 2).build(), r -> seen.add(r.json()));
        assertEquals(all.subList(all.size() - 2, all.size()), seen, "no limit: every match from the offset on");
    }

    @Test
    void visitorCanStopTheScanEarly() throws Exception {
        List<Row> seen = new ArrayList<>();
        Scanner.Summary s = Scanner.of(spoolDir).scan(ScanQuery.all(), r -> {
            seen.add(r);
            return seen.size() < 5;
        });
        assertEquals(5, seen.size());
        assertEquals(5, s.matched());
        assertEquals(1, s.filesScanned());
    }

    @Test
    void linesIteratesRawLinesOfAFile() throws Exception {
        long totalRows = 0;
        for (Path f : Fixtures.sealedFiles(spoolDir)) {
            SegmentName n = SegmentName.parse(f.getFileName().toString());
            long[] bytes = {0};
            List<String> lines = new ArrayList<>();
            long count = Scanner.lines(f, (b, off, len) -> {
                bytes[0] += len + 1;
                String line = new String(b, off, len, StandardCharsets.UTF_8);
                assertFalse(line.contains("\n"));
                lines.add(line);
            });
            assertEquals(n.rows(), count);
            assertEquals(n.rows(), lines.size());
            assertEquals(n.rawBytes(), bytes[0], "lines plus newlines add up to the named size");
            for (String line : lines) {
                JsonNode row = Fixtures.parse(line);
                assertTrue(row.get("ts").asLong() >= n.minTs() && row.get("ts").asLong() <= n.maxTs());
            }
            totalRows += count;
        }
        assertEquals(ALL_ROWS, totalRows);
    }

    @Test
    void linesThrowsWhereAFileStopsDecoding() throws Exception {
        writeFixture(scratch);
        Path f = Fixtures.sealedFiles(scratch).stream()
                .filter(p -> SegmentName.parse(p.getFileName().toString()).minTs() == T0 && p.toString().contains("metrics"))
                .findFirst().orElseThrow();
        byte[] full = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(full, full.length / 2));
        List<String> seen = new ArrayList<>();
        assertThrows(SegmentDecoder.TruncatedException.class,
                () -> Scanner.lines(f, (b, off, len) -> seen.add(new String(b, off, len, StandardCharsets.UTF_8))));
        for (String line : seen) assertTrue(Fixtures.parse(line).isObject(), "only whole lines before the cut: " + line);

        ScanPage p = Scanner.of(scratch).page(ScanQuery.all());
        assertEquals(1, p.problems().size(), p.problems().toString());
        assertTrue(p.problems().get(0).contains(f.getFileName().toString()), p.problems().get(0));
        assertEquals(ALL_ROWS - 100 + seen.size(), p.total(), "the readable prefix still counts");
    }

    @Test
    void scanOfAnEmptyOrMissingSpoolFindsNothing() throws Exception {
        ScanPage p = Scanner.of(scratch.resolve("nothing-here")).page(ScanQuery.all());
        assertEquals(0, p.total());
        assertEquals(List.of(), p.problems());
    }
}
