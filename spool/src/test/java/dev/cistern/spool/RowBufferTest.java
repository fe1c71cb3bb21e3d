package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written number encoders: every value must read back bit for bit, as valid JSON. */
class RowBufferTest {
    /** RFC 8259 number grammar. */
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private static String written(double v) {
        RowBuffer b = new RowBuffer(4);
        b.put("x".getBytes(StandardCharsets.US_ASCII)); // start mid-buffer, as in a row
        b.putDouble(v);
        return new String(b.array(), 1, b.size() - 1, StandardCharsets.US_ASCII);
    }

    private static void assertRoundTrips(double v) {
        String text = written(v);
        if (Double.isNaN(v)) {
            assertEquals("\"NaN\"", text);
        } else if (Double.isInfinite(v)) {
            assertEquals(v > 0 ? "\"+Inf\"" : "\"-Inf\"", text);
        } else {
            if (!JSON_NUMBER.matcher(text).matches()) fail("not a JSON number: " + text + " for " + v);
            double back = Double.parseDouble(text);
            if (Double.doubleToRawLongBits(back) != Double.doubleToRawLongBits(v)) {
                fail(v + " (bits " + Long.toHexString(Double.doubleToRawLongBits(v)) + ") was written as " + text
                        + ", which reads back as " + back);
            }
        }
    }

    @Test
    void putDoubleRoundTripsEdgeValues() {
        List<Double> edges = new ArrayList<>(List.of(
                0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                1e-300, -1e-300, 1e300, -1e300, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
                -Double.MAX_VALUE, 0.1 + 0.2, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 1e-5, 1e-7, 123456789.123456789,
                1.5, -1.5, 0.5, 1.0, -1.0, 100.0, 1e15, 1e16, 1e17, 1e21, 1e22, 1e23,
                8.999999999999999e15, 9.0e15, 9.000000000000002e15, -9.0e15,
                (double) (1L << 53), (double) ((1L << 53) + 2), (double) (1L << 53) - 1, (double) Long.MAX_VALUE,
                (double) Long.MIN_VALUE, 9.2e18, 4.35e-322, Math.PI, Math.E, 77119.1, 1763773200000.0, 0.001, 0.0001,
                Double.longBitsToDouble(0x7ff8000000000001L), Double.longBitsToDouble(0xfff0000000000001L),
                Math.nextUp(1.0), Math.nextDown(1.0), Math.nextUp(0.1), Math.nextDown(0.1)));
        for (long p = 1; p > 0 && p < Long.MAX_VALUE / 10; p *= 10) {
            edges.add((double) p);
            edges.add((double) p - 1);
            edges.add((double) -p);
            edges.add(1.0 / p);
        }
        for (double v : edges) assertRoundTrips(v);
        assertEquals("-0.0", written(-0.0));
        assertEquals("0", written(0.0));
        assertEquals("0.30000000000000004", written(0.1 + 0.2));
        assertEquals("77119.1", written(77119.1));
        assertEquals("1763773200000", written(1763773200000.0));
    }

    @Test
    void putDoubleRoundTripsRandomDoubles() {
        Random rnd = new Random(20251122);
        for (int i = 0; i < 1_000_000; i++) {
            double v = switch (i % 6) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong());                  // anything, NaNs included
                case 1 -> rnd.nextDouble();
                case 2 -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(40) - 20);
                case 3 -> rnd.nextInt(1_000_000) / Math.pow(10, rnd.nextInt(8));     // "nice" decimals like 12.34
                case 4 -> (double) rnd.nextLong() / (1L << rnd.nextInt(63));         // counters and their fractions
                default -> rnd.nextLong() >> rnd.nextInt(64);                         // integers of every size
            };
            assertRoundTrips(v);
        }
    }

    @Test
    void putLongRoundTripsEveryMagnitude() {
        Random rnd = new Random(7);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, 9L, 10L, 99L, 100L, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MIN_VALUE + 1, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L));
        for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10; p *= 10) {
            values.add(p);
            values.add(p - 1);
            values.add(-p);
            values.add(p * 10 - 1);
        }
        for (int i = 0; i < 200_000; i++) values.add(rnd.nextLong() >> rnd.nextInt(64));
        RowBuffer b = new RowBuffer(1);
        for (long v : values) {
            b.clear();
            b.putLong(v);
            String text = new String(b.array(), 0, b.size(), StandardCharsets.US_ASCII);
            assertEquals(Long.toString(v), text);
        }
    }

    @Test
    void truncateCutsAPartialRowOff() {
        RowBuffer b = new RowBuffer(8);
        b.put("row1\n".getBytes(StandardCharsets.US_ASCII));
        int mark = b.size();
        b.put("half a r".getBytes(StandardCharsets.US_ASCII));
        b.truncate(mark);
        b.put("row2\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("row1\nrow2\n", new String(b.array(), 0, b.size(), StandardCharsets.US_ASCII));
        assertTrue(b.array().length >= b.size());
    }
}
