package dev.cistern.agent.remotewrite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/** The float samples of a Remote-Write 2.0 request as a reader walks it: parallel arrays, reused from request to request. */
final class V2Samples {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** A NaN no sender uses (not the stale marker, not Go's or Java's NaN): a sample that has it takes the general walk. */
    static final long NOT_USUAL = 0x7ff0dead0000beefL;

    private long[] timestamps = new long[1024];
    private double[] values = new double[1024];
    int count;

    void add(long ts, double value) {
        if (count == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, count * 2);
            values = Arrays.copyOf(values, count * 2);
        }
        timestamps[count] = ts;
        values[count++] = value;
    }

    long ts(int i) {
        return timestamps[i];
    }

    /**
     * Adds the Sample in {@code b[from, to)} when it has the shape Prometheus sends (a value field, then a timestamp
     * varint of at most 9 bytes, either left out when zero), read straight from the bytes, and returns its value bits;
     * else adds nothing and returns {@link #NOT_USUAL}, for the caller's general walk.
     */
    long addUsual(byte[] b, int from, int to) {
        int q = from;
        long bits = 0;
        if (q < to && b[q] == WriteV2Wire.SAMPLE_VALUE) {
            if (q + 9 > to) return NOT_USUAL;
            bits = (long) LONGS.get(b, q + 1);
            q += 9;
        }
        long ts = 0;
        if (q < to && b[q] == WriteV2Wire.SAMPLE_TIMESTAMP) {
            ts = WriteRequestWire.wholeVarint(b, q + 1, to);
            if (ts < 0) return NOT_USUAL;
            q = to;
        }
        if (q != to || bits == NOT_USUAL) return NOT_USUAL;
        add(ts, Double.longBitsToDouble(bits));
        return bits;
    }

    long[] timestampsCopy() {
        return Arrays.copyOf(timestamps, count);
    }

    double[] valuesCopy() {
        return Arrays.copyOf(values, count);
    }
}
