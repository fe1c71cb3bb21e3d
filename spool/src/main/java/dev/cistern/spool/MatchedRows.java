package dev.cistern.spool;

/**
 * The matching rows of a decoding thread's blocks, copied together into one array for the reader, so the thread decodes
 * its next block into the same array as the last (still in the core's cache) and only the rows that are written out
 * wait for the reader, not every decoded byte (docs/benchmarks.md, "Matched rows gathered"). Runs of rows next to each
 * other are joined up to {@link BlockMatcher#RUN_MAX}, as in a block's own matches. Rows looked at and matched are
 * counted along, those of blocks without a match too.
 */
final class MatchedRows {
    private static final byte[] NONE = new byte[0];

    private byte[] array; // null until a matching row is copied in
    private int length;
    private final RowRuns runs = new RowRuns();
    private long rows;
    private long matched;
    private boolean counted; // rows of some block are in rows and matched

    /** Bytes of the matching rows in {@code m}. */
    static int bytes(BlockMatcher.Matches m) {
        int n = 0;
        for (int i = 0; i < m.runCount(); i++) n += m.runs()[2 * i + 1] - m.runs()[2 * i];
        return n;
    }

    /** Whether {@code n} more bytes fit in the array begun (none was: anything fits, in the next one). */
    boolean fits(int n) {
        return array == null || n <= array.length - length;
    }

    boolean isEmpty() {
        return !counted;
    }

    /** Whether rows were copied in: the next matching rows need no fresh array. */
    boolean begun() {
        return array != null;
    }

    /** Begins the array the matching rows are copied into (a block's, from the decoder's pool). */
    void begin(byte[] fresh) {
        array = fresh;
    }

    /** Copies the matching rows of the block {@code b} in (begun, when it has any), and counts the block's rows. */
    void add(byte[] b, BlockMatcher.Matches m) {
        for (int i = 0; i < m.runCount(); i++) {
            int from = m.runs()[2 * i];
            int n = m.runs()[2 * i + 1] - from;
            System.arraycopy(b, from, array, length, n);
            runs.add(length, length + n);
            length += n;
        }
        rows += m.rows();
        matched += m.matched();
        counted = true;
    }

    /** The rows gathered, as a block of decoder {@code decoder}; empty again after. */
    DecodeAhead.Block take(int decoder) {
        byte[] a = array == null ? NONE : array;
        DecodeAhead.Block block = new DecodeAhead.Block(a, 0, length, runs.matches(rows, matched), decoder);
        array = null;
        length = 0;
        rows = 0;
        matched = 0;
        counted = false;
        return block;
    }
}
