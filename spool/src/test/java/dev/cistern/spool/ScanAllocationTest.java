package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The read path's budget is 64 heap bytes per row (issue 13, 4) when rows are only counted, filtered or copied. */
class ScanAllocationTest {
    private static final long T0 = 1_763_773_200_000L;
    private static final int ROWS = 200_000;
    private static final int SERIES = 500;

    @TempDir static Path dir;

    @BeforeAll
    static void write() throws Exception {
        Series[] series = new Series[SERIES];
        for (int i = 0; i < SERIES; i++) {
            series[i] = Series.of(i % 3 == 0 ? "container_cpu_usage_seconds_total" : "container_memory_working_set_bytes",
                    Labels.of("namespace", "shop", "pod", "cart-" + i, "container", i % 7 == 0 ? "istio-proxy" : "cart",
                            "node", "ip-10-0-3-17.eu-west-1.compute.internal"));
        }
        try (Spool spool = Spool.open(SpoolConfig.builder(dir).quality(1).shardsPerStream(1)
                .rotation(Rotation.DEFAULT.withMaxRows(50_000)).build())) {
            StreamWriter w = spool.writer("metrics");
            for (int i = 0; i < ROWS; i++) w.append(series[i % SERIES], T0 + (i / SERIES) * 15_000L, i * 0.25 + 1e6);
        }
    }

    static List<ScanQuery> queries() {
        long mid = T0 + (ROWS / SERIES / 2) * 15_000L;
        return List.of(ScanQuery.all(),
                ScanQuery.builder().text("ISTIO-PROXY").build(),
                ScanQuery.builder().name("container_cpu_usage_seconds_total").build(),
                ScanQuery.builder().label("pod", "cart-7").label("container", "istio-proxy").build(),
                ScanQuery.builder().from(mid).to(mid + 60_000).build(),
                ScanQuery.builder().from(T0 + 1).build());
    }

    @ParameterizedTest
    @MethodSource("queries")
    void countingOrFilteringAllocatesUnder64BytesPerRow(ScanQuery q) throws Exception {
        Scanner scanner = Scanner.of(dir);
        long[] count = {0};
        Scanner.MatchVisitor counter = (stream, b, off, len) -> ++count[0] > 0;
        Scanner.Summary warm = scanner.scanBytes(q, counter); // warm-up: classes loaded, code compiled
        assertEquals(List.of(), warm.problems());
        assertTrue(warm.rowsRead() >= 50_000 && warm.matched() > 0, warm.toString());

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        Scanner.Summary s = scanner.scanBytes(q, counter);
        long perRow = (threads.getCurrentThreadAllocatedBytes() - before) / s.rowsRead();
        assertEquals(warm.matched(), s.matched());
        assertTrue(perRow <= 64, "scan of " + s.rowsRead() + " rows allocated " + perRow + " bytes per row");

        before = threads.getCurrentThreadAllocatedBytes();
        Scanner.Summary copied = scanner.copy(q, OutputStream.nullOutputStream());
        perRow = (threads.getCurrentThreadAllocatedBytes() - before) / copied.rowsRead();
        assertEquals(warm.matched(), copied.matched());
        assertTrue(perRow <= 64, "copy of " + copied.rowsRead() + " rows allocated " + perRow + " bytes per row");
        System.out.println("ScanAllocationTest: " + copied.rowsRead() + " rows, " + copied.matched() + " matched, copy "
                + perRow + " B/row");
    }

    /** The decoding threads find the matches ({@link BlockMatcher}): their share of the budget, measured on this thread. */
    @ParameterizedTest
    @MethodSource("queries")
    void matchingBlocksAllocatesUnder64BytesPerRow(ScanQuery q) throws Exception {
        List<SealedSegment> segments = Scanner.of(dir).segments(q);
        matchAll(q, segments); // warm-up
        long[] rowsAndBytes = matchAll(q, segments);
        long perRow = rowsAndBytes[1] / rowsAndBytes[0];
        assertTrue(rowsAndBytes[0] >= 50_000, "rows: " + rowsAndBytes[0]);
        assertTrue(perRow <= 64, "matching " + rowsAndBytes[0] + " rows allocated " + perRow + " bytes per row");
    }

    /** Rows matched and bytes allocated by the matcher's calls alone (decoding is outside the measure). */
    private static long[] matchAll(ScanQuery q, List<SealedSegment> segments) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        BlockMatcher matcher = new BlockMatcher(q, new RowFilter(q, false), true);
        long rows = 0;
        long allocated = 0;
        for (SealedSegment seg : segments) {
            matcher.segment(seg);
            try (SegmentDecoder in = new SegmentDecoder(seg.path())) {
                LineBlocks blocks = new LineBlocks(in);
                while (blocks.next()) {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    BlockMatcher.Matches m = matcher.match(blocks.array(), blocks.start(), blocks.end());
                    allocated += threads.getCurrentThreadAllocatedBytes() - before;
                    rows += m.rows();
                }
            }
        }
        return new long[] {rows, allocated};
    }
}
