package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RowBufferNumbersTest {

    private static String put(double v) {
        RowBuffer b = new RowBuffer(8);
        b.putDouble(v);
        return new String(b.array(), 0, b.size(), StandardCharsets.US_ASCII);
    }

    private static String put(long v) {
        RowBuffer b = new RowBuffer(8);
        b.putLong(v);
        return new String(b.array(), 0, b.size(), StandardCharsets.US_ASCII);
    }

    /**
     * The slow way: try 1, 2, ... 17 fraction digits until the decimal reads back as v, while the
     * digits fit below 9e15 (where doubles still hold every integer); Double.toString otherwise.
     */
    private static String shortestFixed(double v) {
        for (int k = 1; k <= 17; k++) {
            double scaled = v * Math.pow(10, k);
            if (Math.abs(scaled) >= 9e15) break;
            long m = Math.round(scaled);
            if (m / Math.pow(10, k) == v) return BigDecimal.valueOf(m, k).toPlainString();
        }
        return Double.toString(v);
    }

    @Test
    void longsPrintLikeLongToString() {
        long[] edge = {0, 1, 9, 10, 99, 100, 999_999_999_999L, 1_000_000_000_000L, 1763773200000L,
                Long.MAX_VALUE, Long.MIN_VALUE, -1, -10, -1763773200000L};
        for (long v : edge) assertEquals(Long.toString(v), put(v));
        long p = 1;
        for (int i = 0; i < 19; i++, p *= 10) {
            assertEquals(Long.toString(p), put(p));
            assertEquals(Long.toString(p - 1), put(p - 1));
        }
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) {
            long v = rnd.nextLong() >> rnd.nextInt(64);
            assertEquals(Long.toString(v), put(v));
        }
    }

    @Test
    void doublesAreTheShortestFixedDecimalThatReadsBackExactly() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < 200_000; i++) {
            double v = switch (i % 4) {
                // values as exporters print them: a few decimals at every magnitude
                case 0 -> Math.round(rnd.nextDouble() * Math.pow(10, rnd.nextInt(16)) * 1e6) / 1e6;
                case 1 -> Math.round(rnd.nextDouble(-1e6, 1e6) * Math.pow(10, rnd.nextInt(10))) / Math.pow(10, rnd.nextInt(10));
                case 2 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-6, 16));
                default -> Double.longBitsToDouble(rnd.nextLong());
            };
            if (!Double.isFinite(v)) continue;
            String s = put(v);
            assertEquals(v, Double.parseDouble(s), s);
            if (v != Math.rint(v)) assertEquals(shortestFixed(v), s, "for " + v);
        }
    }

    @Test
    void specialDoubles() {
        assertEquals("0", put(0.0));
        assertEquals("-0.0", put(-0.0));
        assertEquals("\"NaN\"", put(Double.NaN));
        assertEquals("\"+Inf\"", put(Double.POSITIVE_INFINITY));
        assertEquals("\"-Inf\"", put(Double.NEGATIVE_INFINITY));
        assertEquals("0.1", put(0.1));
        assertEquals("-0.5", put(-0.5));
        assertEquals("77119.101945", put(77119.101945));
        assertEquals("0.000001", put(1e-6));
        assertEquals(1e-300, Double.parseDouble(put(1e-300)));
        assertEquals(1.5e300, Double.parseDouble(put(1.5e300)));
    }
}
