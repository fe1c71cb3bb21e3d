package dev.cistern.agent.ndjson;

import dev.cistern.spool.JsonLines;

/**
 * Decimal numbers of a unit since the epoch to epoch milliseconds, read exactly from their text (a
 * double would round {@code 1763773200.123} to ...122.99...): {@code -?digits(.digits)?(e[+-]?digits)?},
 * as JSON writes numbers, from a number or a string. Fractions below the millisecond are cut (floor).
 */
final class EpochNumber {
    /** A value beyond a long: out of the spool's range either way, so the row is refused as out of range, not unparsable. */
    private static final long TOO_SMALL = JsonLines.BAD_TIME + 1;

    private EpochNumber() {}

    /**
     * {@code floor(value × 10^millisExponent)}: 3 for seconds, 0 for milliseconds, -3 for micro-,
     * -6 for nanoseconds; {@link JsonLines#BAD_TIME} when the text is not such a number.
     */
    static long millis(char[] c, int off, int len, int millisExponent) {
        int end = off + len;
        int i = off;
        boolean negative = i < end && c[i] == '-';
        if (negative) i++;
        int intStart = i;
        while (i < end && digit(c[i])) i++;
        int intDigits = i - intStart;
        if (intDigits == 0) return JsonLines.BAD_TIME;
        int fracStart = i;
        int fracDigits = 0;
        if (i < end && c[i] == '.') {
            fracStart = ++i;
            while (i < end && digit(c[i])) i++;
            fracDigits = i - fracStart;
            if (fracDigits == 0) return JsonLines.BAD_TIME;
        }
        long exp = 0;
        if (i < end && (c[i] == 'e' || c[i] == 'E')) {
            i++;
            boolean expNegative = i < end && c[i] == '-';
            if (i < end && (c[i] == '-' || c[i] == '+')) i++;
            int expStart = i;
            for (; i < end && digit(c[i]); i++) exp = Math.min(exp * 10 + (c[i] - '0'), 100_000); // past a long either way
            if (i == expStart) return JsonLines.BAD_TIME;
            if (expNegative) exp = -exp;
        }
        if (i != end) return JsonLines.BAD_TIME;
        return scaled(c, intStart, intDigits, fracStart, fracDigits, intDigits + exp + millisExponent, negative);
    }

    /** The digits before position {@code whole} (counted from the first) are whole milliseconds; the rest a fraction. */
    private static long scaled(char[] c, int intStart, int intDigits, int fracStart, int fracDigits, long whole, boolean negative) {
        long acc = 0;
        boolean cut = false;
        try {
            int n = intDigits + fracDigits;
            for (int j = 0; j < n; j++) {
                int v = (j < intDigits ? c[intStart + j] : c[fracStart + j - intDigits]) - '0';
                if (j < whole) acc = Math.addExact(Math.multiplyExact(acc, 10), v);
                else if (v != 0) cut = true;
            }
            for (long j = n; j < whole && acc != 0; j++) acc = Math.multiplyExact(acc, 10);
        } catch (ArithmeticException beyondLong) {
            return negative ? TOO_SMALL : Long.MAX_VALUE;
        }
        if (!negative) return acc;
        acc = -acc - (cut ? 1 : 0);
        return Math.max(acc, TOO_SMALL); // never one of JsonLines' markers
    }

    private static boolean digit(char d) {
        return d >= '0' && d <= '9';
    }
}
