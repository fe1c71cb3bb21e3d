package dev.cistern.agent.remotewrite;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cistern.agent.remotewrite.prompb.WriteV2;
import java.util.List;

/** The agent's native histogram rules written plainly over generated messages: the fuzz tests' reference for {@link HistogramReader}. */
final class HistogramRules {
    private HistogramRules() {}

    private static final long MAX_EXACT = 1L << 53;

    /** A 1.0 histogram, read as 2.0's (the same field numbers). */
    static boolean valid(ByteString v1Histogram) {
        try {
            return valid(WriteV2.Histogram.parseFrom(v1Histogram));
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    static boolean valid(WriteV2.Histogram h) {
        boolean isFloat = h.getCountCase() == WriteV2.Histogram.CountCase.COUNT_FLOAT;
        if (!isFloat && h.getZeroCountCase() == WriteV2.Histogram.ZeroCountCase.ZERO_COUNT_FLOAT && h.getZeroCountFloat() != 0) {
            return false;
        }
        if (isFloat && h.getZeroCountCase() == WriteV2.Histogram.ZeroCountCase.ZERO_COUNT_INT && h.getZeroCountInt() != 0) return false;
        int schema = h.getSchema();
        if (schema != -53 && (schema < -4 || schema > 8)) return false;
        if (!(h.getZeroThreshold() >= 0) || Double.isInfinite(h.getZeroThreshold())) return false;
        double zero;
        if (isFloat) {
            if (!count(h.getCountFloat())) return false;
            zero = h.getZeroCountCase() == WriteV2.Histogram.ZeroCountCase.ZERO_COUNT_FLOAT ? h.getZeroCountFloat() : 0;
            if (!count(zero)) return false;
        } else {
            if (Long.compareUnsigned(h.getCountInt(), MAX_EXACT) > 0) return false;
            long z = h.getZeroCountCase() == WriteV2.Histogram.ZeroCountCase.ZERO_COUNT_INT ? h.getZeroCountInt() : 0;
            if (Long.compareUnsigned(z, MAX_EXACT) > 0) return false;
            zero = z;
        }
        if (schema == -53) {
            if (h.getNegativeSpansCount() > 0 || h.getNegativeDeltasCount() > 0 || h.getNegativeCountsCount() > 0 || zero != 0) {
                return false;
            }
            List<Double> cv = h.getCustomValuesList();
            for (int i = 0; i < cv.size(); i++) {
                if (!Double.isFinite(cv.get(i)) || i > 0 && !(cv.get(i) > cv.get(i - 1))) return false;
            }
        }
        return side(isFloat, h.getNegativeSpansList(), h.getNegativeDeltasList(), h.getNegativeCountsList())
                && side(isFloat, h.getPositiveSpansList(), h.getPositiveDeltasList(), h.getPositiveCountsList());
    }

    private static boolean side(boolean isFloat, List<WriteV2.BucketSpan> spans, List<Long> deltas, List<Double> counts) {
        if (isFloat ? !deltas.isEmpty() : !counts.isEmpty()) return false;
        long covered = 0;
        long index = 0;
        for (int s = 0; s < spans.size(); s++) {
            if (s > 0 && spans.get(s).getOffset() < 0) return false;
            index += spans.get(s).getOffset() + Integer.toUnsignedLong(spans.get(s).getLength());
            covered += Integer.toUnsignedLong(spans.get(s).getLength());
        }
        if (covered != (isFloat ? counts.size() : deltas.size()) || Math.abs(index) > Integer.MAX_VALUE) return false;
        if (isFloat) return counts.stream().allMatch(HistogramRules::count);
        long c = 0;
        for (long d : deltas) {
            c += d;
            if (c < 0 || c > MAX_EXACT) return false;
        }
        return true;
    }

    private static boolean count(double v) {
        return v >= 0 && !Double.isInfinite(v);
    }
}
