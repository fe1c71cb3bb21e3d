package dev.cistern.spool;

import java.util.Arrays;

/**
 * The last row whose name and labels were read field by field, what the filter decided for them, and where its time
 * is. Rows of one series follow each other in a segment (the writer groups them) and differ only in their numbers
 * (time, value), which no name or label filter looks at: a row that differs from the kept one only in runs of digits
 * outside strings has the same keys, strings and nesting, so the same verdict and its time in the same field. That is
 * found walking forward with vectorized compares ({@link Arrays#mismatch}, an intrinsic under C1 too: 0.05 ns a byte,
 * a tenth of a search's), which also finds where the row ends without looking for its newline.
 * Only rows without a backslash are kept: in them a quote always opens or closes a string, so whether a byte is
 * inside one follows from the quotes before it.
 */
final class LastVerdict {
    /** No verdict: the row must be read. */
    static final int NONE = Integer.MIN_VALUE;
    /** The kept row has no time field ({@link #keep}'s time). */
    static final int NO_TIME = -1;
    /** The kept row's time is a number only a parser reads (a fraction, an exponent). */
    static final int PARSED_TIME = -2;

    private byte[] row = new byte[1024];
    private int length = -1;
    private int verdict;
    private int timeOffset; // where the kept row's integral time starts, or NO_TIME, PARSED_TIME
    private int timeAt; // where the time of the row last found alike starts, in its array
    // whether the kept row's byte k lies after an odd number of quotes, for k below parityTo: found as far as a compare
    // needs, once a kept row (the rows of a series differ at the same places)
    private boolean[] inStringAt = new boolean[1024];
    private int parityTo;

    /**
     * Keeps {@code b[off, end)}, the verdict on its name and labels, and where its time starts: an index in {@code b}
     * of an integral time, or {@link #NO_TIME} or {@link #PARSED_TIME}. A row with a backslash is not kept.
     */
    void keep(byte[] b, int off, int end, int verdict, int timeStart) {
        int len = end - off;
        if (Bytes.indexOf(b, off, end, (byte) '\\') >= 0) {
            length = -1;
            return;
        }
        if (row.length < len) {
            row = new byte[Math.max(len, 2 * row.length)];
            inStringAt = new boolean[row.length];
        }
        System.arraycopy(b, off, row, 0, len);
        length = len;
        this.verdict = verdict;
        this.timeOffset = timeStart < 0 ? timeStart : timeStart - off;
        parityTo = 0;
    }

    int verdict() {
        return verdict;
    }

    /**
     * Compares {@code b[off, ..)} with the kept row, which it must equal but for digit runs outside strings: returns
     * the index in {@code b} where the kept row's end falls (the row's own end, when it is alike), or -1 when they
     * differ otherwise or {@code b} ends at {@code to} first.
     */
    int sameUpTo(byte[] b, int off, int to) {
        if (length < 0) return -1;
        int i = 0;
        int j = off;
        timeAt = -1;
        while (true) {
            int n = Math.min(length - i, to - j);
            int p = Arrays.mismatch(row, i, i + n, b, j, j + n);
            if (p < 0) {
                if (n < length - i) return -1;
                if (timeOffset >= 0 && timeAt < 0) timeAt = timeOffset + j - i;
                return j + n;
            }
            i += p;
            j += p;
            // the bytes before matched, so the time, if it starts there, lies as far from here in both rows
            if (timeOffset >= 0 && timeAt < 0 && timeOffset <= i) timeAt = timeOffset + j - i;
            boolean oldDigit = isDigit(row[i]);
            boolean newDigit = isDigit(b[j]);
            // one number on both sides: a digit on each, or a run both started before (a number never vanishes in JSON)
            boolean before = i > 0 && isDigit(row[i - 1]);
            if (!(oldDigit || newDigit) || !(oldDigit || before) || !(newDigit || before) || inString(i)) return -1;
            while (i < length && isDigit(row[i])) i++;
            while (j < to && isDigit(b[j])) j++;
        }
    }

    /**
     * The time of the row {@link #sameUpTo} last found alike: its integral value, {@link Long#MIN_VALUE} when it has
     * no time field, {@link RowFields#ASK_PARSER} when only a parser reads it.
     */
    long time(byte[] b) {
        if (timeOffset == NO_TIME) return Long.MIN_VALUE;
        if (timeOffset == PARSED_TIME) return RowFields.ASK_PARSER;
        int i = timeAt;
        boolean negative = b[i] == '-';
        if (negative) i++;
        long v = 0;
        // the run ends inside the row: what follows it is the kept time's plain end (a comma, a brace, a blank)
        for (int digits = 0; isDigit(b[i]); i++) {
            if (++digits > 18) return RowFields.ASK_PARSER;
            v = v * 10 + (b[i] - '0');
        }
        return negative ? -v : v;
    }

    /** Whether the kept row's byte {@code i} ({@code i < length}) lies inside a string. */
    private boolean inString(int i) {
        if (i >= parityTo) {
            boolean in = parityTo > 0 && (inStringAt[parityTo - 1] ^ row[parityTo - 1] == '"');
            for (int k = parityTo; k <= i; k++) {
                inStringAt[k] = in;
                if (row[k] == '"') in = !in;
            }
            parityTo = i + 1;
        }
        return inStringAt[i];
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
