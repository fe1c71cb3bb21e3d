package dev.cistern.spool;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that rows are encoded into before they go to the compressor. Rows are
 * always complete in here: the buffer is only drained between rows, and a failed row is cut off
 * with {@link #truncate(int)}, so a half-written row can never reach a file.
 */
final class RowBuffer extends OutputStream {
    private static final byte[] DIGIT_PAIRS = new byte[200];
    private static final long[] POW10 = new long[19];
    private static final long EIGHT_DIGITS = 100_000_000L;
    /** Prometheus' {@code value.StaleNaN}: a series ended; any other NaN is a sample's value. */
    static final long STALE_NAN = 0x7ff0000000000002L;

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
        long p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private byte[] buf;
    private int size;

    RowBuffer(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    byte[] array() { return buf; }
    int size() { return size; }
    void clear() { size = 0; }

    void truncate(int newSize) {
        if (newSize < 0 || newSize > size) throw new IllegalArgumentException("truncate to " + newSize);
        size = newSize;
    }

    private void ensure(int extra) {
        int need = size + extra;
        if (need > buf.length) buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    void put(byte[] b) {
        write(b, 0, b.length);
    }

    void putAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) buf[size++] = (byte) s.charAt(i);
    }

    /**
     * Writes a long in decimal without allocating. Digits are made with int arithmetic, eight at a time below one
     * long division: C1 (the small heap's compiler) calls into the VM for every long division, and a timestamp's
     * thirteen digits would take seven of them.
     */
    void putLong(long v) {
        ensure(20);
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                putAscii("-9223372036854775808");
                return;
            }
            buf[size++] = '-';
            v = -v;
        }
        if (v < EIGHT_DIGITS) {
            putInt((int) v);
        } else {
            long high = v / EIGHT_DIGITS;
            if (high < EIGHT_DIGITS) {
                putInt((int) high);
            } else {
                putInt((int) (high / EIGHT_DIGITS));
                putEightDigits((int) (high % EIGHT_DIGITS));
            }
            putEightDigits((int) (v - high * EIGHT_DIGITS));
        }
    }

    /** {@code v} in 0..99,999,999, without leading zeros. */
    private void putInt(int v) {
        int end = size + digitCount(v);
        int pos = end;
        while (v >= 100) {
            int r = v % 100;
            v /= 100;
            buf[--pos] = DIGIT_PAIRS[2 * r + 1];
            buf[--pos] = DIGIT_PAIRS[2 * r];
        }
        if (v >= 10) {
            buf[--pos] = DIGIT_PAIRS[2 * v + 1];
            buf[--pos] = DIGIT_PAIRS[2 * v];
        } else {
            buf[--pos] = (byte) ('0' + v);
        }
        size = end;
    }

    /** {@code v} in 0..99,999,999 as exactly eight digits, leading zeros included. */
    private void putEightDigits(int v) {
        int pos = size + 8;
        for (int i = 0; i < 4; i++) {
            int r = v % 100;
            v /= 100;
            buf[--pos] = DIGIT_PAIRS[2 * r + 1];
            buf[--pos] = DIGIT_PAIRS[2 * r];
        }
        size += 8;
    }

    /** Decimal digits of {@code v >= 0}: log10 estimated from the bit length, then corrected. */
    static int digitCount(long v) {
        int d = (64 - Long.numberOfLeadingZeros(v | 1)) * 1233 >>> 12;
        return v >= POW10[d] ? d + 1 : Math.max(d, 1);
    }

    /**
     * Writes a double as the shortest decimal with a fixed number of fraction digits that parses
     * back to exactly the same double, without allocating. Values that need more than 17 fraction
     * digits or are too large fall back to {@link Double#toString}. NaN and infinities are not JSON
     * numbers: they are written as the strings Prometheus uses ("NaN", "+Inf", "-Inf"), and
     * Prometheus' staleness marker (one NaN bit pattern) as "stale".
     */
    void putDouble(double v) {
        if (Double.isNaN(v)) {
            putAscii(Double.doubleToRawLongBits(v) == STALE_NAN ? "\"stale\"" : "\"NaN\"");
            return;
        }
        if (Double.isInfinite(v)) {
            putAscii(v > 0 ? "\"+Inf\"" : "\"-Inf\"");
            return;
        }
        double abs = Math.abs(v);
        if (abs < 9.0e15) {
            long whole = (long) v;
            if (whole == v) {
                if (whole == 0 && Double.doubleToRawLongBits(v) != 0) putAscii("-0.0");
                else putLong(whole);
                return;
            }
            // Scaled below 1e15, rounding errors stay under 0.1, so m is exactly the decimal v was
            // written as, followed by zeros: dropping them gives the shortest form in one step.
            int k = abs < 1 ? 15 : 15 - digitCount(whole < 0 ? -whole : whole);
            if (k > 0) {
                long m = Math.round(v * POW10[k]);
                if ((double) m / POW10[k] == v) {
                    int zeros = trailingZeros(m < 0 ? -m : m);
                    putFixed(m / POW10[zeros], k - zeros);
                    return;
                }
            }
            for (k = 1; k <= 17; k++) {
                double scaled = v * POW10[k];
                if (Math.abs(scaled) >= 9.0e15) break;
                long m = Math.round(scaled);
                // m / 10^k is correctly rounded, exactly as a parser reads "m e-k": equal means it round-trips.
                if ((double) m / POW10[k] == v) {
                    putFixed(m, k);
                    return;
                }
            }
        }
        putAscii(Double.toString(v));
    }

    /** Decimal zeros at the end of {@code m > 0}, with at most two long divisions (see {@link #putLong}). */
    private static int trailingZeros(long m) {
        if (m == 0) return 0;
        int zeros = 0;
        int low = (int) (m % EIGHT_DIGITS);
        if (low == 0) {
            long high = m / EIGHT_DIGITS;
            if (high >= EIGHT_DIGITS) return 8 + trailingZeros(high);
            zeros = 8;
            low = (int) high;
        }
        while (low % 10 == 0) {
            low /= 10;
            zeros++;
        }
        return zeros;
    }

    /** Writes m / 10^k in plain decimal notation. */
    private void putFixed(long m, int k) {
        if (m < 0) {
            write('-');
            m = -m;
        }
        long intPart = m / POW10[k];
        long frac = m - intPart * POW10[k];
        putLong(intPart);
        write('.');
        int fracDigits = frac == 0 ? 1 : digitCount(frac);
        for (int i = fracDigits; i < k; i++) write('0');
        putLong(frac);
    }
}
