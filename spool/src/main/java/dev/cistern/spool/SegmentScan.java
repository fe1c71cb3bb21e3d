package dev.cistern.spool;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One query's pass over the segments it could match, a block of whole rows at a time: rows go to a
 * {@link Scanner.MatchVisitor} as bytes, or to an {@link OutputStream} with their newlines, a whole
 * block in one write when no filter looks at rows. A text, name or label value is searched for
 * across the block (only rows holding it are looked at further), like grep. Offset and limit are applied here only.
 */
final class SegmentScan {
    private static final byte NL = '\n';

    private final ScanQuery q;
    private final RowFilter filter;
    private final boolean countAll;
    private final long pageEnd;
    private final Scanner.MatchVisitor visitor;
    private final OutputStream out;
    private final boolean paged;
    private final boolean blockText;
    private boolean tuned;
    private BlockSearch finder; // made once the filter is tuned to the first block
    private final List<String> problems = new ArrayList<>();
    private String stream;
    private long read;
    private long matched;
    private boolean stopped;
    // at most this much in one write of rows: a caller's buffer takes it (a larger write went past it, and the JDK
    // mallocs a native buffer the size of each such write: RSS grew with the sizes)
    private static final int RUN_MAX = 1 << 15;
    private byte[] runArray; // matching rows next to each other, written in one go: runArray[runStart, runEnd)
    private int runStart;
    private int runEnd;

    /** Rows to the visitor (null when to {@code out}); {@code countAll} reads on past the page to count every match. */
    SegmentScan(ScanQuery q, RowFilter filter, Scanner.MatchVisitor visitor, OutputStream out, boolean countAll) {
        this.q = q;
        this.filter = filter;
        this.visitor = visitor;
        this.out = out;
        this.countAll = countAll;
        this.paged = q.offset() > 0 || q.limit() > 0;
        this.pageEnd = q.limit() == 0 ? Long.MAX_VALUE : q.offset() + Math.min(q.limit(), Long.MAX_VALUE - q.offset());
        this.blockText = filter.text() != null && !filter.text().spansLines();
    }

    /** Reads the segments, decoded a few blocks ahead on a thread of their own ({@link DecodeAhead}). */
    Scanner.Summary run(List<SealedSegment> segments, int pruned) {
        int scanned = 0;
        boolean fileInRange = false;
        // a reader that searches blocks leaves the counting of their rows to the decoding thread; one that writes them whole counts
        try (DecodeAhead ahead = new DecodeAhead(segments, blockText || filter.keyedValue() != null)) {
            for (Object item = ahead.take(); item != null && !stopped; item = ahead.take()) {
                if (item instanceof DecodeAhead.Block b) {
                    try {
                        block(b.array(), b.start(), b.end(), b.rows(), fileInRange);
                    } finally {
                        ahead.release(b);
                    }
                } else if (item instanceof SealedSegment seg) {
                    scanned++;
                    stream = seg.name().stream();
                    fileInRange = seg.name().minTs() >= q.from() && seg.name().maxTs() < q.to();
                } else {
                    problems.addAll(((DecodeAhead.End) item).problems());
                }
            }
        } catch (IOException e) {
            throw new OutputException(e); // interrupted while waiting for rows: Scanner throws it
        }
        return new Scanner.Summary(scanned, pruned, read, matched, List.copyOf(problems));
    }

    /** The whole lines {@code b[s, e)}, each ending in a newline, {@code rows} of them. */
    private void block(byte[] b, int s, int e, long rows, boolean fileInRange) throws IOException {
        if (!tuned) {
            filter.tuneTo(b, s, e);
            finder = finder();
            tuned = true;
        }
        if (out != null && !paged && filter.matchesAll(fileInRange)) {
            long n = rows >= 0 ? rows : Bytes.count(b, s, e, NL);
            read += n;
            matched += n;
            write(b, s, e);
        } else if (finder != null) {
            int stop = search(b, s, e, fileInRange);
            read += stop == e && rows >= 0 ? rows : Bytes.count(b, s, stop, NL);
            writeRun();
        } else {
            for (int ls = s; ls < e && !stopped; ) {
                int le = Bytes.indexOf(b, ls, e, NL);
                read++;
                if (filter.matches(b, ls, le, false, fileInRange)) emit(b, ls, le);
                ls = le + 1;
            }
            writeRun();
        }
    }

    /**
     * A search for what every matching row must hold, so rows without it are passed over in the same pass that
     * counts them: the text, or a quoted name or label value after its key (then a row with an escape, which could
     * spell the value another way, is a hit too); null when rows must be looked at one by one.
     */
    private BlockSearch finder() {
        if (blockText) return new BlockSearch(filter.text(), false);
        KeyedValue value = filter.keyedValue();
        return value == null ? null : new BlockSearch(value.value(), true);
    }

    /**
     * Finds the hits across the block in one pass; only the rows holding one are read further. Returns where
     * it stopped: {@code e}, or the end of the row after which the page was full.
     */
    private int search(byte[] b, int s, int e, boolean fileInRange) throws IOException {
        int pos = s;
        while (pos < e && !stopped) {
            int m = finder.next(b, pos, e);
            if (m < 0) return e;
            int before = Bytes.lastIndexOf(b, pos, m, NL);
            int ls = before < 0 ? pos : before + 1;
            int le = Bytes.indexOf(b, m, e, NL);
            pos = le + 1;
            if (filter.matches(b, ls, le, blockText, fileInRange)) emit(b, ls, le);
        }
        return pos;
    }

    /** A matching row {@code b[ls, le)}, its newline at {@code le}: given to the sink when in the page. */
    private void emit(byte[] b, int ls, int le) throws IOException {
        long index = matched++;
        if (index < q.offset()) return; // before the page
        if (index >= pageEnd) {
            if (!countAll) stopped = true;
            return;
        }
        if (out != null) {
            if (runArray == b && runEnd == ls && le + 1 - runStart <= RUN_MAX) {
                runEnd = le + 1;
            } else {
                writeRun();
                runArray = b;
                runStart = ls;
                runEnd = le + 1;
            }
            return;
        }
        try {
            if (!visitor.match(stream, b, ls, le - ls)) stopped = true;
        } catch (IOException e) {
            throw new OutputException(e);
        }
    }

    /** Writes the rows matched next to each other so far; before the block they are in goes back to the decoder. */
    private void writeRun() {
        if (runArray == null) return;
        write(runArray, runStart, runEnd);
        runArray = null;
    }

    /** Output errors (a closed pipe) end the scan: they are no segment's problem. */
    private void write(byte[] b, int from, int to) {
        try {
            out.write(b, from, to - from);
        } catch (IOException e) {
            throw new OutputException(e);
        }
    }

    /** Writing the output (or the visitor) failed; {@link Scanner} throws the cause. */
    static final class OutputException extends RuntimeException {
        OutputException(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
