package dev.cistern.spool;

import java.util.Arrays;

/**
 * The last row whose name and labels were read field by field, and what the filter decided for it. Rows of
 * one series follow each other in a segment and differ only in their numbers (time, value), which no name or
 * label filter looks at: a row that differs from the kept one only in runs of digits outside strings has the
 * same keys, strings and nesting, so the same verdict, found with two vectorized compares instead of a walk.
 * Only rows without a backslash are kept: in them a quote always opens or closes a string, so whether a digit
 * is outside strings follows from the quotes before it.
 */
final class LastVerdict {
    /** No verdict: the row must be read. */
    static final int NONE = Integer.MIN_VALUE;

    private byte[] row = new byte[1024];
    private boolean[] inStringAt = new boolean[1025]; // whether row[i] lies after an odd number of quotes (i <= length)
    private int length = -1;
    private int verdict;

    /** Keeps {@code b[off, end)} and its verdict (a row with a backslash is not kept). */
    void keep(byte[] b, int off, int end, int verdict) {
        int len = end - off;
        if (Bytes.indexOf(b, off, end, (byte) '\\') >= 0) {
            length = -1;
            return;
        }
        if (row.length < len) {
            row = new byte[Math.max(len, 2 * row.length)];
            inStringAt = new boolean[row.length + 1];
        }
        System.arraycopy(b, off, row, 0, len);
        boolean inString = false;
        for (int i = 0; i < len; i++) {
            inStringAt[i] = inString;
            if (row[i] == '"') inString = !inString;
        }
        inStringAt[len] = inString;
        length = len;
        this.verdict = verdict;
    }

    /** The kept verdict when {@code b[off, end)} differs from the kept row only in digits outside strings; else {@link #NONE}. */
    int of(byte[] b, int off, int end) {
        if (length < 0) return NONE;
        int p = Arrays.mismatch(row, 0, length, b, off, end);
        if (p < 0) return verdict;
        int k = commonSuffix(b, end, Math.min(length, end - off) - p);
        return sameButDigits(b, off, p, length - k, end - off - k) ? verdict : NONE;
    }

    /** How many bytes, at most {@code max}, the kept row and {@code b[.., end)} end with alike; eight a step. */
    private int commonSuffix(byte[] b, int end, int max) {
        int k = 0;
        while (k + 8 <= max && Bytes.word(row, length - k - 8) == Bytes.word(b, end - k - 8)) k += 8;
        while (k < max && row[length - 1 - k] == b[end - 1 - k]) k++;
        return k;
    }

    /**
     * Whether the kept row's {@code [p, oldEnd)} and the row's {@code [p, newEnd)} (offsets from {@code off}),
     * the parts between a common start and a common end, are alike but for digit runs outside strings.
     */
    private boolean sameButDigits(byte[] b, int off, int p, int oldEnd, int newEnd) {
        boolean inString = inStringAt[p];
        int i = p;
        int j = p;
        while (i < oldEnd || j < newEnd) {
            boolean oldDigit = i < oldEnd && isDigit(row[i]);
            boolean newDigit = j < newEnd && isDigit(b[off + j]);
            if (!inString && (oldDigit || newDigit)) {
                // one number on both sides: each has digits here, or next to here in the bytes they have alike
                int i2 = i;
                int j2 = j;
                while (i2 < oldEnd && isDigit(row[i2])) i2++;
                while (j2 < newEnd && isDigit(b[off + j2])) j2++;
                boolean before = i > 0 && isDigit(row[i - 1]); // the byte before is alike: a common start or a matched byte
                boolean after = oldEnd < length && isDigit(row[oldEnd]); // the common end starts with a digit
                if (!(i2 > i || before || i2 == oldEnd && j2 == newEnd && after)) return false;
                if (!(j2 > j || before || i2 == oldEnd && j2 == newEnd && after)) return false;
                i = i2;
                j = j2;
                continue;
            }
            if (i >= oldEnd || j >= newEnd || row[i] != b[off + j]) return false;
            if (row[i] == '"') inString = !inString;
            i++;
            j++;
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
