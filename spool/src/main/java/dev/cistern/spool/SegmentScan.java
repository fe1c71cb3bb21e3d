package dev.cistern.spool;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One query's pass over the segments it could match, a block of whole rows at a time: the decoding threads find
 * each block's matching rows ({@link BlockMatcher}), and here they go to a {@link Scanner.MatchVisitor} as bytes, or
 * to an {@link OutputStream} with their newlines, runs of rows next to each other in one write. Offset and limit
 * are applied here only.
 */
final class SegmentScan {
    private static final byte NL = '\n';

    private final ScanQuery q;
    private final Supplier<RowFilter> filters;
    private final boolean countAll;
    private final boolean count;
    private final long pageEnd;
    private final Scanner.MatchVisitor visitor;
    private final OutputStream out;
    private final boolean paged;
    private final List<String> problems = new ArrayList<>();
    private String stream;
    private long read;
    private long matched;
    private boolean stopped;
    private byte[] runArray; // matching rows next to each other, written in one go: runArray[runStart, runEnd)
    private int runStart;
    private int runEnd;

    /**
     * Rows to the visitor (null when to {@code out}), matched by filters from {@code filters} (one a decoding thread);
     * {@code countAll} reads on past the page to count every match; without {@code count}, rows written whole are not
     * counted (the summary's counts are -1: for a caller that only wants the bytes).
     */
    SegmentScan(ScanQuery q, Supplier<RowFilter> filters, Scanner.MatchVisitor visitor, OutputStream out, boolean countAll,
            boolean count) {
        this.q = q;
        this.filters = filters;
        this.visitor = visitor;
        this.out = out;
        this.countAll = countAll;
        this.paged = q.offset() > 0 || q.limit() > 0;
        this.count = count || paged || out == null;
        this.pageEnd = q.limit() == 0 ? Long.MAX_VALUE : q.offset() + Math.min(q.limit(), Long.MAX_VALUE - q.offset());
    }

    /** Reads the segments, decoded and matched a few blocks ahead on threads of their own ({@link DecodeAhead}). */
    Scanner.Summary run(List<SealedSegment> segments, int pruned) {
        int scanned = 0;
        // written out whole, a block's matching rows are gathered with the next blocks' on the decoding thread
        boolean gather = out != null && !paged;
        try (DecodeAhead ahead = new DecodeAhead(segments, () -> new BlockMatcher(q, filters.get(), count), DecodeAhead.decoders(), -1,
                gather)) {
            for (Object item = ahead.take(); item != null && !stopped; item = ahead.take()) {
                if (item instanceof DecodeAhead.Block b) {
                    try {
                        block(b.array(), b.start(), b.matches());
                    } finally {
                        ahead.release(b);
                    }
                } else if (item instanceof SealedSegment seg) {
                    scanned++;
                    stream = seg.name().stream();
                } else {
                    problems.addAll(((DecodeAhead.End) item).problems());
                }
            }
        } catch (IOException e) {
            throw new OutputException(e); // interrupted while waiting for rows: Scanner throws it
        }
        long rows = count ? read : -1;
        return new Scanner.Summary(scanned, pruned, rows, count ? matched : -1, List.copyOf(problems));
    }

    /** A block of whole rows from {@code s} and its matches: written run by run, or (a page, a visitor) row by row. */
    private void block(byte[] b, int s, BlockMatcher.Matches m) throws IOException {
        int[] runs = m.runs();
        if (out != null && !paged) {
            read += m.rows();
            matched += m.matched();
            for (int i = 0; i < m.runCount(); i++) write(b, runs[2 * i], runs[2 * i + 1]);
            return;
        }
        for (int i = 0; i < m.runCount() && !stopped; i++) {
            for (int ls = runs[2 * i], end = runs[2 * i + 1]; ls < end && !stopped; ) {
                int le = Bytes.indexOf(b, ls, end, NL);
                emit(b, ls, le);
                ls = le + 1;
                if (stopped) read += Bytes.count(b, s, ls, NL); // the page is full: rows read up to this one
            }
        }
        if (!stopped) read += m.rows();
        writeRun();
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
            if (runArray == b && runEnd == ls && le + 1 - runStart <= BlockMatcher.RUN_MAX) {
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
