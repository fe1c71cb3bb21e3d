package dev.cistern.agent.remotewrite;

import static dev.cistern.agent.remotewrite.WriteRequestWire.skip;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads one native Histogram message (remote_write 1.0 and 2.0 share its field numbers) into a
 * {@link NativeHistogram}, checking what the generated parser does not: a schema of -4..8 or -53
 * (custom buckets), spans that cover exactly the buckets given, counts of one kind (integer deltas
 * or float counts), no NaN, infinite or negative count, strictly increasing finite custom bounds.
 * Anything else is an {@link InvalidWriteRequestException} ({@code invalid_histogram}) naming the series.
 */
final class HistogramReader {
    static final int CUSTOM_BUCKETS = -53;
    private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int VARINT = WireFormat.WIRETYPE_VARINT;
    private static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;
    private static final long MAX_EXACT = 1L << 53; // integer counts are kept as doubles, exact up to here
    private static final double[][] FRACTIONS = new double[9][];

    static {
        // 2^(k / 2^s - 1) for k < 2^s: Prometheus' bound table, so bound(i) = frac * 2^exp without a pow per bucket
        for (int s = 1; s <= 8; s++) {
            FRACTIONS[s] = new double[1 << s];
            for (int k = 0; k < 1 << s; k++) FRACTIONS[s][k] = StrictMath.pow(2, (double) k / (1 << s)) / 2;
        }
    }

    private final Side negative = new Side();
    private final Side positive = new Side();
    private double[] customValues = new double[16];
    private int customCount;

    /** The histogram message {@code in} is positioned in (its limit pushed); {@code series} names it in errors. */
    // over 60 lines: one switch over the message's 16 fields, then the checks in the order the 400s name them
    NativeHistogram read(CodedInputStream in, int series) throws IOException {
        negative.clear();
        positive.clear();
        customCount = 0;
        boolean floatCount = false;
        boolean floatZero = false;
        long countInt = 0;
        long zeroInt = 0;
        double countFloat = 0;
        double zeroFloat = 0;
        double sum = 0;
        double zeroThreshold = 0;
        int schema = 0;
        int reset = 0;
        long ts = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case 1 << 3 | VARINT -> { countInt = in.readUInt64(); floatCount = false; }
                case 2 << 3 | FIXED64 -> { countFloat = in.readDouble(); floatCount = true; }
                case 3 << 3 | FIXED64 -> sum = in.readDouble();
                case 4 << 3 | VARINT -> schema = in.readSInt32();
                case 5 << 3 | FIXED64 -> zeroThreshold = in.readDouble();
                case 6 << 3 | VARINT -> { zeroInt = in.readUInt64(); floatZero = false; }
                case 7 << 3 | FIXED64 -> { zeroFloat = in.readDouble(); floatZero = true; }
                case 8 << 3 | LEN -> negative.span(in);
                case 11 << 3 | LEN -> positive.span(in);
                case 9 << 3 | LEN, 9 << 3 | VARINT -> negative.deltas(in, tag);
                case 12 << 3 | LEN, 12 << 3 | VARINT -> positive.deltas(in, tag);
                case 10 << 3 | LEN, 10 << 3 | FIXED64 -> negative.counts(in, tag);
                case 13 << 3 | LEN, 13 << 3 | FIXED64 -> positive.counts(in, tag);
                case 14 << 3 | VARINT -> reset = in.readInt32();
                case 15 << 3 | VARINT -> ts = in.readInt64();
                case 16 << 3 | LEN, 16 << 3 | FIXED64 -> customValue(in, tag);
                default -> skip(in, tag);
            }
        }
        boolean isFloat = floatCount;
        String where = "series " + series + ": histogram at " + ts + ": ";
        if (floatZero != isFloat && (floatZero ? zeroFloat != 0 : zeroInt != 0)) {
            throw invalid(where + "zero count is " + (floatZero ? "float" : "integer") + " in an "
                    + (isFloat ? "float" : "integer") + " histogram");
        }
        if (schema != CUSTOM_BUCKETS && (schema < -4 || schema > 8)) throw invalid(where + "schema " + schema + " is not -4..8 or -53");
        if (!(zeroThreshold >= 0) || Double.isInfinite(zeroThreshold)) throw invalid(where + "zero threshold is not a finite number >= 0");
        double count = isFloat ? countFloat : exact(countInt, where + "count");
        double zero = isFloat ? (floatZero ? zeroFloat : 0) : exact(floatZero ? 0 : zeroInt, where + "zero count");
        checkCount(count, where + "count");
        checkCount(zero, where + "zero count");
        if (schema == CUSTOM_BUCKETS) checkCustom(where, zero);
        int n = negative.buckets(isFloat, where + "negative") + positive.buckets(isFloat, where + "positive") + 1;
        double[] lower = new double[n];
        double[] upper = new double[n];
        double[] counts = new double[n];
        int k = negative.emit(schema, true, lower, upper, counts, 0);
        if (zero > 0) {
            lower[k] = -zeroThreshold;
            upper[k] = zeroThreshold;
            counts[k++] = zero;
        }
        k = positive.emit(schema, false, lower, upper, counts, k);
        return new NativeHistogram(ts, isFloat, count, sum, schema, zeroThreshold, zero, reset,
                Arrays.copyOf(lower, k), Arrays.copyOf(upper, k), Arrays.copyOf(counts, k));
    }

    private void checkCustom(String where, double zero) {
        if (negative.spanCount > 0 || negative.valueCount > 0 || zero != 0) {
            throw invalid(where + "custom buckets (schema -53) have no negative or zero buckets");
        }
        for (int i = 0; i < customCount; i++) {
            if (!Double.isFinite(customValues[i]) || i > 0 && !(customValues[i] > customValues[i - 1])) {
                throw invalid(where + "custom bounds are not finite and strictly increasing");
            }
        }
    }

    private void customValue(CodedInputStream in, int tag) throws IOException {
        if ((tag & 7) == FIXED64) {
            addCustom(in.readDouble());
            return;
        }
        int limit = in.pushLimit(in.readRawVarint32());
        while (in.getBytesUntilLimit() > 0) addCustom(in.readDouble());
        in.popLimit(limit);
    }

    private void addCustom(double v) {
        if (customCount == customValues.length) customValues = Arrays.copyOf(customValues, customCount * 2);
        customValues[customCount++] = v;
    }

    /** The bounds of bucket {@code index}: Prometheus' getBound for exponential schemas, the custom bounds for -53. */
    private double upperBound(int schema, long index) {
        if (schema == CUSTOM_BUCKETS) return index >= customCount ? Double.POSITIVE_INFINITY : customValues[(int) index];
        if (schema <= 0) {
            long exp = index << -schema;
            return exp > 1100 ? Double.POSITIVE_INFINITY : exp < -1100 ? 0 : Math.scalb(1.0, (int) exp);
        }
        int frac = (int) (index & ((1 << schema) - 1));
        long exp = (index >> schema) + 1;
        return exp > 1100 ? Double.POSITIVE_INFINITY : exp < -1100 ? 0 : Math.scalb(FRACTIONS[schema][frac], (int) exp);
    }

    private double lowerBound(int schema, long index) {
        if (schema == CUSTOM_BUCKETS) return index <= 0 ? Double.NEGATIVE_INFINITY : customValues[(int) index - 1];
        return upperBound(schema, index - 1);
    }

    private static double exact(long v, String what) {
        if (v < 0 || v > MAX_EXACT) throw invalid(what + " " + Long.toUnsignedString(v) + " is over 2^53");
        return v;
    }

    private static void checkCount(double v, String what) {
        if (!(v >= 0) || Double.isInfinite(v)) throw invalid(what + " is " + v + ", not a finite number >= 0");
    }

    private static InvalidWriteRequestException invalid(String message) {
        return InvalidWriteRequestException.malformed("invalid_histogram", message);
    }

    /** One side's spans and values (deltas for integer histograms, counts for float ones). */
    private final class Side {
        int[] spans = new int[16]; // offset, length
        int spanCount;
        long[] deltas = new long[32];
        double[] values = new double[32];
        int deltaCount;
        int valueCount;

        void clear() {
            spanCount = 0;
            deltaCount = 0;
            valueCount = 0;
        }

        void span(CodedInputStream in) throws IOException {
            int limit = in.pushLimit(in.readRawVarint32());
            int offset = 0;
            int length = 0;
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == (1 << 3 | VARINT)) offset = in.readSInt32();
                else if (tag == (2 << 3 | VARINT)) length = in.readUInt32();
                else skip(in, tag);
            }
            in.popLimit(limit);
            if (2 * spanCount + 2 > spans.length) spans = Arrays.copyOf(spans, spans.length * 2);
            spans[2 * spanCount] = offset;
            spans[2 * spanCount + 1] = length;
            spanCount++;
        }

        void deltas(CodedInputStream in, int tag) throws IOException {
            if ((tag & 7) == VARINT) {
                addDelta(in.readSInt64());
                return;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) addDelta(in.readSInt64());
            in.popLimit(limit);
        }

        private void addDelta(long d) {
            if (deltaCount == deltas.length) deltas = Arrays.copyOf(deltas, deltaCount * 2);
            deltas[deltaCount++] = d;
        }

        void counts(CodedInputStream in, int tag) throws IOException {
            if ((tag & 7) == FIXED64) {
                addValue(in.readDouble());
                return;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) addValue(in.readDouble());
            in.popLimit(limit);
        }

        private void addValue(double v) {
            if (valueCount == values.length) values = Arrays.copyOf(values, valueCount * 2);
            values[valueCount++] = v;
        }

        /** Checks the spans against the values and turns deltas into counts; returns the bucket count. */
        int buckets(boolean isFloat, String where) {
            if (isFloat ? deltaCount > 0 : valueCount > 0) {
                throw invalid(where + " buckets are " + (isFloat ? "integer deltas in a float" : "float counts in an integer")
                        + " histogram");
            }
            long covered = 0;
            long index = 0;
            for (int s = 0; s < spanCount; s++) {
                int offset = spans[2 * s];
                if (s > 0 && offset < 0) throw invalid(where + " span " + s + " has a negative offset " + offset);
                index += offset;
                covered += Integer.toUnsignedLong(spans[2 * s + 1]);
                index += Integer.toUnsignedLong(spans[2 * s + 1]);
            }
            int given = isFloat ? valueCount : deltaCount;
            if (covered != given) throw invalid(where + " spans cover " + covered + " buckets but " + given + " are given");
            if (Math.abs(index) > Integer.MAX_VALUE) throw invalid(where + " bucket index runs past 2^31");
            if (!isFloat) {
                long c = 0;
                for (int i = 0; i < deltaCount; i++) {
                    c += deltas[i];
                    if (c < 0 || c > MAX_EXACT) throw invalid(where + " bucket " + i + " count " + c + " is negative or over 2^53");
                    addValue(c);
                }
            }
            for (int i = 0; i < given; i++) checkCount(values[i], where + " bucket " + i);
            return given;
        }

        /** Writes the non-empty buckets into the arrays from {@code k}, lowest bound first; returns the next position. */
        int emit(int schema, boolean negativeSide, double[] lower, double[] upper, double[] counts, int k) {
            int v = 0;
            long index = 0;
            int first = k;
            for (int s = 0; s < spanCount; s++) {
                index += spans[2 * s];
                for (long j = 0; j < Integer.toUnsignedLong(spans[2 * s + 1]); j++, index++, v++) {
                    double c = values[v];
                    if (c == 0) continue;
                    double lo = lowerBound(schema, index);
                    double hi = upperBound(schema, index);
                    lower[k] = negativeSide ? -hi : lo;
                    upper[k] = negativeSide ? -lo : hi;
                    counts[k++] = c;
                }
            }
            if (negativeSide) reverse(lower, upper, counts, first, k);
            return k;
        }
    }

    private static void reverse(double[] a, double[] b, double[] c, int from, int to) {
        for (int i = from, j = to - 1; i < j; i++, j--) {
            double t = a[i]; a[i] = a[j]; a[j] = t;
            t = b[i]; b[i] = b[j]; b[j] = t;
            t = c[i]; c[i] = c[j]; c[j] = t;
        }
    }
}
