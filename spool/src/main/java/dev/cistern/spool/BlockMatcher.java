package dev.cistern.spool;

/**
 * Finds which rows of a block of whole rows match a query, on the thread that decoded the block: each decoding
 * thread has a matcher of its own (a filter keeps state: its tuning and the last row's verdict), so the filters run
 * on every core and the reader only pages and writes. A text is searched for across the block (only rows holding it
 * are looked at further), like grep. Name, label and time filters take the rows one by one while most of them are
 * alike the row before (a series' rows, which the writer groups): each is compared with the last one read, which
 * decides it and finds its end ({@link RowFilter#nextRow}); otherwise the name or label value is searched for too.
 */
final class BlockMatcher {
    private static final byte NL = '\n';

    /**
     * Rows next to each other go out in one write of at most this much: a caller's buffer takes it (a larger write
     * went past it, and the JDK mallocs a native buffer the size of each such write: RSS grew with the sizes).
     */
    static final int RUN_MAX = 1 << 15;

    /**
     * A block's rows (-1 when not counted), how many of them match (-1 likewise), and where they are: runs
     * {@code [runs[2i], runs[2i + 1])} of whole rows with their newlines, {@code runCount} of them, in order.
     */
    record Matches(long rows, long matched, int[] runs, int runCount) {}

    private final ScanQuery q;
    private final RowFilter filter;
    private final boolean count;
    private final boolean blockText;
    private boolean tuned;
    private BlockSearch finder; // made once the filter is tuned to the first block
    private BlockSearch escapedFinder; // for a block with a backslash in it
    private boolean fileInRange;
    // most rows looked at in the last block were alike the row before them: a keyed search would look at every byte
    // of rows a compare passes over at a tenth of the cost (0.05 ns a byte); rows unlike (NDJSON streams) are searched
    private boolean alike = true;
    private final RowRuns runs = new RowRuns();
    private long rows; // the block's, or -1 when not counted
    private long matched;

    /** @param count rows of blocks that match whole are counted too (rows that are looked at always are) */
    BlockMatcher(ScanQuery q, RowFilter filter, boolean count) {
        this.q = q;
        this.filter = filter;
        this.count = count;
        this.blockText = filter.text() != null && !filter.text().spansLines();
    }

    /** The blocks that follow are this segment's (whose name tells whether all its rows are in the time range). */
    void segment(SealedSegment seg) {
        fileInRange = seg.name().minTs() >= q.from() && seg.name().maxTs() < q.to();
    }

    /** The matches in the whole rows {@code b[s, e)}. */
    Matches match(byte[] b, int s, int e) {
        if (!tuned) {
            filter.tuneTo(b, s, e);
            finder = finder(false);
            escapedFinder = finder(true);
            tuned = true;
        }
        if (filter.matchesAll(fileInRange)) {
            long n = count ? Bytes.count(b, s, e, NL) : -1;
            return new Matches(n, n, new int[] {s, e}, 1);
        }
        rows = 0;
        matched = 0;
        if (finder != null && !(alike && filter.text() == null)) {
            searchRows(b, s, e);
        } else if (filter.text() == null) {
            for (int ls = s; ls < e; ) {
                int r = filter.nextRow(b, ls, e, fileInRange);
                int le = r >= 0 ? r : ~r;
                rows++;
                if (r >= 0) add(ls, le + 1);
                ls = le + 1;
            }
        } else {
            for (int ls = s; ls < e; ) {
                int le = Bytes.indexOf(b, ls, e, NL);
                rows++;
                if (filter.matches(b, ls, le, false, fileInRange)) add(ls, le + 1);
                ls = le + 1;
            }
        }
        alike = filter.mostlyAlike(alike);
        return runs.matches(rows, matched);
    }

    /** Rows found by searching the block for what every match holds; counted apart (-1 when not counting). */
    private void searchRows(byte[] b, int s, int e) {
        // counted, the rows tell whether the block has an escape in the same pass; else the search looks for escapes too
        BlockSearch search = escapedFinder;
        rows = -1;
        if (count) {
            long counted = Bytes.countFlagging(b, s, e, NL, (byte) '\\');
            rows = counted >>> 1;
            if ((counted & 1) == 0) search = finder;
        }
        for (int pos = s; pos < e; ) {
            int m = search.next(b, pos, e);
            if (m < 0) break;
            int before = Bytes.lastIndexOf(b, pos, m, NL);
            int ls = before < 0 ? pos : before + 1;
            int le = Bytes.indexOf(b, m, e, NL);
            pos = le + 1;
            if (filter.matches(b, ls, le, blockText, fileInRange)) add(ls, le + 1);
        }
    }

    /**
     * A search for what every matching row must hold, so rows without it are passed over in one pass: the text, or a
     * quoted name or label value after its key (then, in a block that has a backslash, a row with one is a hit too:
     * an escape could spell the value another way); null when rows must be looked at one by one.
     */
    private BlockSearch finder(boolean blockHasEscapes) {
        if (blockText) return new BlockSearch(filter.text(), false);
        KeyedValue value = filter.keyedValue();
        return value == null ? null : new BlockSearch(value.value(), blockHasEscapes);
    }

    /** A matching row {@code [from, to)}: joins the run it follows, up to {@link #RUN_MAX}. */
    private void add(int from, int to) {
        matched++;
        runs.add(from, to);
    }
}
