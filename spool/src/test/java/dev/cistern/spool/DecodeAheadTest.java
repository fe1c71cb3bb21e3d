package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments decoded ahead on threads of their own ({@link DecodeAhead}): rows come out whole and in order however the
 * blocks fall (rows longer than a block, which grow a buffer of the pool) and however many threads decode, and a scan
 * that stops early leaves no decoding thread behind.
 */
class DecodeAheadTest {
    private static final int FILES = 6;
    private static final int ROWS_PER_FILE = 3_000;
    private static final StringBuilder expected = new StringBuilder();

    @TempDir static Path spoolDir;

    @BeforeAll
    static void write() throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(spoolDir).shardsPerStream(1)
                .rotation(Fixtures.NEVER.withMaxRows(ROWS_PER_FILE)).build())) {
            StreamWriter w = spool.writer("events");
            for (int i = 0; i < FILES * ROWS_PER_FILE; i++) {
                // every 1000th row is longer than a block (256 KiB), some longer than two
                int pad = i % 1000 == 999 ? LineBlocks.BLOCK * (1 + i % 3) + 17 : i % 50;
                String row = "{\"ts\":" + (T0 + i) + ",\"i\":" + i + ",\"pad\":\"" + "x".repeat(pad) + "\"}";
                Fixtures.appendJson(w, row);
                expected.append(row).append('\n');
            }
        }
    }

    @Test
    void rowsComeOutWholeAndInOrderAcrossBlocksAndFiles() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Scanner.Summary s = Scanner.of(spoolDir).copy(ScanQuery.all(), out);
            assertEquals(List.of(), s.problems());
            assertEquals(FILES, s.filesScanned());
            assertEquals(FILES * ROWS_PER_FILE, s.rowsRead());
            assertEquals(expected.toString(), out.toString(StandardCharsets.UTF_8));

            ByteArrayOutputStream filtered = new ByteArrayOutputStream();
            Scanner.Summary f = Scanner.of(spoolDir).copy(ScanQuery.builder().text("\"i\":4999,").build(), filtered);
            assertEquals(1, f.matched());
            assertEquals(FILES * ROWS_PER_FILE, f.rowsRead());
        });
    }

    @Test
    void aScanStoppedEarlyLeavesNoDecodingThread() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int round = 0; round < 20; round++) {
                long[] seen = {0};
                Scanner.Summary s = Scanner.of(spoolDir).scanBytes(ScanQuery.all(), (stream, b, off, len) -> ++seen[0] < 10);
                assertEquals(10, s.matched());
                Scanner.of(spoolDir).copy(ScanQuery.builder().limit(5).build(), OutputStream.nullOutputStream());
            }
            assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("cistern-decode-ahead")),
                    "a decoding thread outlived its scan");
        });
    }

    @Test
    void segmentsComeOutInOrderWhateverTheNumberOfDecoders() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            List<SealedSegment> segments = Scanner.of(spoolDir).segments(ScanQuery.all());
            assertEquals(FILES, segments.size());
            for (int decoders : new int[] {1, 2, 3, FILES + 2}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                List<SealedSegment> seen = new ArrayList<>();
                try (DecodeAhead ahead = new DecodeAhead(segments, DecodeAheadTest::all, decoders)) {
                    long rows = 0;
                    for (Object item = ahead.take(); item != null; item = ahead.take()) {
                        if (item instanceof SealedSegment seg) seen.add(seg);
                        if (item instanceof DecodeAhead.End end) assertEquals(List.of(), end.problems());
                        if (item instanceof DecodeAhead.Block b) {
                            out.write(b.array(), b.start(), b.end() - b.start());
                            rows += b.matches().rows();
                            ahead.release(b);
                        }
                    }
                    assertEquals(FILES * ROWS_PER_FILE, rows, decoders + " decoders");
                }
                assertEquals(segments, seen, decoders + " decoders");
                assertEquals(expected.toString(), out.toString(StandardCharsets.UTF_8), decoders + " decoders");
            }
        });
    }

    @Test
    void decodersHoldAheadAShareOfTheBudgetAndNeverLessThanAFewBlocks() {
        assertEquals(4, DecodeAhead.aheadBlocks(1, 1L << 30));
        assertEquals(128, DecodeAhead.aheadBlocks(2, 1L << 30)); // 64 MiB shared by two: 32 MiB of 256 KiB blocks each
        assertEquals(16, DecodeAhead.aheadBlocks(2, 64L << 20)); // a small heap: an eighth of it
        assertEquals(4, DecodeAhead.aheadBlocks(4, 16L << 20));
    }

    @Test
    void rowsLongerThanABlockCountByTheirBytesAhead(@TempDir Path longRows) throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(longRows).shardsPerStream(1)
                .rotation(Fixtures.NEVER.withMaxRows(20)).build())) {
            StreamWriter w = spool.writer("events");
            for (int i = 0; i < 40; i++) { // 2 files of rows a little over 3 blocks: each in a 1 MiB array, 4 blocks' worth
                Fixtures.appendJson(w, "{\"ts\":" + (T0 + i) + ",\"pad\":\"" + "y".repeat(3 * LineBlocks.BLOCK) + "\"}");
            }
        }
        List<SealedSegment> segments = Scanner.of(longRows).segments(ScanQuery.all());
        assertEquals(2, segments.size());
        int blocksEach = 8;
        try (DecodeAhead ahead = new DecodeAhead(segments, DecodeAheadTest::all, 2, blocksEach)) {
            long before = -1;
            for (long held = ahead.queuedBytes(); held != before; held = ahead.queuedBytes()) { // until both decoders wait
                before = held;
                Thread.sleep(300);
            }
            // 8 arrays of 1 MiB a decoder if only arrays were counted; 2 of them when their bytes are
            long bound = 2L * blocksEach * LineBlocks.BLOCK;
            assertTrue(before > 0 && before <= bound, "held ahead " + before + " bytes, bound " + bound);
        }
    }

    /**
     * Matching rows gathered from many blocks into one (for a reader that only writes them out) come out as they do
     * block by block: the same bytes in the same order, every row counted, runs no longer than a write's; blocks
     * matched whole (a row longer than a block) are handed over as they are, between gathered ones.
     */
    @Test
    void matchingRowsGatheredComeOutAsBlockByBlock(@TempDir Path gatherDir) throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(gatherDir).shardsPerStream(1)
                .rotation(Fixtures.NEVER.withMaxRows(20_000)).build())) {
            StreamWriter w = spool.writer("events");
            for (int i = 0; i < 80_000; i++) { // 4 files of 5-6 blocks; a few rows longer than a block between
                int pad = i % 9_973 == 9_972 ? LineBlocks.BLOCK + 5 : i % 50;
                Fixtures.appendJson(w, "{\"ts\":" + (T0 + i) + ",\"i\":" + i + ",\"pad\":\"" + "x".repeat(pad) + "\"}");
            }
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            List<SealedSegment> segments = Scanner.of(gatherDir).segments(ScanQuery.all());
            for (String text : new String[] {"\"i\":1", "\"i\":99", "no such row"}) {
                for (int decoders : new int[] {1, 2}) {
                    Gathered plain = read(segments, text, decoders, false);
                    Gathered gathered = read(segments, text, decoders, true);
                    String what = text + ", " + decoders + " decoders";
                    assertEquals(plain.rows, gathered.rows, what);
                    assertEquals(80_000, gathered.rows, what);
                    assertEquals(plain.matched, gathered.matched, what);
                    assertEquals(plain.out.toString(StandardCharsets.UTF_8), gathered.out.toString(StandardCharsets.UTF_8), what);
                    assertTrue(gathered.longestRun <= LineBlocks.BLOCK + 64, what); // the long rows, whole
                    assertTrue(gathered.blocks < plain.blocks, what + ": " + gathered.blocks + " blocks, " + plain.blocks + " without");
                }
            }
            Gathered some = read(segments, "\"i\":1", 2, true);
            assertTrue(some.matched > 1000 && some.shortRunsOnly, "gathered runs are at most a write's");
        });
    }

    /**
     * The thread left decoding alone (the other has no segment left) leaves its blocks for the reader to match: a long
     * file and a short one on two threads, read as one thread reads them.
     */
    @Test
    void theLastThreadDecodingLeavesTheMatchingToTheReader(@TempDir Path twoFiles) throws Exception {
        try (Spool spool = Spool.open(Fixtures.config(twoFiles).shardsPerStream(1).rotation(Fixtures.NEVER).build())) {
            StreamWriter w = spool.writer("events");
            for (int i = 0; i < 100_010; i++) {
                Fixtures.appendJson(w, "{\"ts\":" + (T0 + i) + ",\"i\":" + i + ",\"pad\":\"" + "x".repeat(i % 50) + "\"}");
                if (i == 99_999) w.seal(); // 100,000 rows (some 25 blocks), then 10
            }
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            List<SealedSegment> segments = Scanner.of(twoFiles).segments(ScanQuery.all());
            assertEquals(2, segments.size());
            for (boolean gather : new boolean[] {false, true}) {
                Gathered one = read(segments, "\"i\":7", 1, gather);
                Gathered two = read(segments, "\"i\":7", 2, gather);
                assertEquals(one.out.toString(StandardCharsets.UTF_8), two.out.toString(StandardCharsets.UTF_8));
                assertEquals(100_010, two.rows);
                assertEquals(one.matched, two.matched);
                assertTrue(two.matchedHere > 0, "the reader matched none of the long file's blocks");
                assertEquals(0, one.matchedHere, "one thread matches its own");
            }
        });
    }

    private record Gathered(ByteArrayOutputStream out, long rows, long matched, int blocks, int longestRun, boolean shortRunsOnly,
            long matchedHere) {}

    private static Gathered read(List<SealedSegment> segments, String text, int decoders, boolean gather) throws Exception {
        ScanQuery q = ScanQuery.builder().text(text).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long rows = 0;
        long matched = 0;
        int blocks = 0;
        int longest = 0;
        boolean shortOnly = true;
        try (DecodeAhead ahead = new DecodeAhead(segments, () -> new BlockMatcher(q, new RowFilter(q, false), true), decoders, -1,
                gather)) {
            for (Object item = ahead.take(); item != null; item = ahead.take()) {
                if (item instanceof DecodeAhead.End end) assertEquals(List.of(), end.problems());
                if (item instanceof DecodeAhead.Block b) {
                    blocks++;
                    BlockMatcher.Matches m = b.matches();
                    for (int i = 0; i < m.runCount(); i++) {
                        int from = m.runs()[2 * i];
                        int to = m.runs()[2 * i + 1];
                        out.write(b.array(), from, to - from);
                        longest = Math.max(longest, to - from);
                        if (to - from > BlockMatcher.RUN_MAX && to - from < LineBlocks.BLOCK) shortOnly = false;
                    }
                    rows += m.rows();
                    matched += m.matched();
                    ahead.release(b);
                }
            }
            return new Gathered(out, rows, matched, blocks, longest, shortOnly, ahead.matchedHere());
        }
    }

    /** Every row, counted. */
    private static BlockMatcher all() {
        return new BlockMatcher(ScanQuery.all(), new RowFilter(ScanQuery.all(), false), true);
    }
}
