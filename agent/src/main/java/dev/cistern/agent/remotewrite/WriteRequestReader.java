package dev.cistern.agent.remotewrite;

import static dev.cistern.agent.remotewrite.WriteRequestWire.*;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Reads remote_write bodies: on the HTTP thread as it validates them, and in a sealer lane that
 * replays them from the journal. It walks the protobuf in place, without
 * message objects, and finds each TimeSeries' series in a {@link SeriesCache} by the raw bytes of
 * its label fields, so labels are decoded only the first time a series is seen. After a read,
 * {@link #decoded} copies the rows out. Buffers are reused from request to request; one reader
 * per thread.
 */
public final class WriteRequestReader {
    /** Makes the series for a label set seen for the first time; {@code labels} are key/value pairs without {@code __name__}. */
    @FunctionalInterface
    public interface SeriesMaker {
        SeriesCache.Entry make(String name, String[] labels);
    }

    // what a reader keeps between requests (each thread has one); bigger buffers go with the request that needed them
    private static final int KEEP_BUFFER_BYTES = 1 << 20;
    private static final int KEEP_SAMPLES = 1 << 16;
    private static final int KEEP_SERIES = 1 << 14;
    private static final LongConsumer NO_CHARGE = bytes -> { };
    /** Bytes a sample takes decoded (a timestamp and a value), and a series (a reference and where its samples end). */
    static final int SAMPLE_BYTES = 16;
    static final int SERIES_BYTES = 12;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final SeriesCache cache;
    private final SeriesMaker maker;
    private byte[] raw; // for snappy bodies read from the journal; made on first use (HTTP threads never need it)
    private byte[] key = new byte[1024];
    private int keyLen;
    private SeriesCache.Entry[] series = new SeriesCache.Entry[1024];
    private int[] sampleEnd = new int[1024];
    private long[] timestamps = new long[4096];
    private double[] values = new double[4096];
    private int seriesCount;
    private int sampleCount;
    private final ExtraRows extras = new ExtraRows();
    private final HistogramReader histogramReader = new HistogramReader();
    private RemoteWriteRules.Limits limits = RemoteWriteRules.Limits.SPOOL_RANGE; // held to while validating
    private LongConsumer charge = NO_CHARGE;

    public WriteRequestReader(SeriesCache cache, SeriesMaker maker) {
        this.cache = cache;
        this.maker = maker;
    }

    /** Heap the next reads allocate is first charged to {@code c} (a request's in-flight share; may throw), null: nothing. */
    void chargeTo(LongConsumer c) {
        charge = c == null ? NO_CHARGE : c;
    }

    /**
     * Reads one snappy-compressed WriteRequest, validated before it was journaled; throws on anything it cannot decode.
     * What it allocates for the body and its rows is charged to {@code charge} first (null: nothing).
     */
    public void read(byte[] body, LongConsumer charge) throws IOException {
        chargeTo(charge);
        try {
            RemoteWriteDecoder.Decoded d = RemoteWriteDecoder.decompress(body, body.length, Integer.MAX_VALUE, raw, this.charge);
            if (d.bytes().length <= KEEP_BUFFER_BYTES) raw = d.bytes();
            readDecompressed(d.bytes(), d.length());
        } finally {
            chargeTo(null);
        }
    }

    /** Reads a decompressed WriteRequest known to be valid (see {@link WriteRequestValidator}). */
    void readDecompressed(byte[] b, int end) throws IOException {
        reset();
        CodedInputStream in = CodedInputStream.newInstance(b, 0, end);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == REQUEST_TIMESERIES) {
                int n = length(in, end);
                int at = in.getTotalBytesRead();
                if (!usualTimeSeries(b, at, at + n, false)) anyTimeSeries(b, at, n);
                in.skipRawBytes(n);
            } else if (tag == REQUEST_METADATA) {
                int limit = enter(in, end);
                WriteRequestExtras.metadata(in, maker, extras);
                in.popLimit(limit);
            } else {
                skip(in, tag);
            }
        }
    }

    /**
     * Reads a decompressed WriteRequest not validated yet, validating it on the way, when that is
     * quick: every field is a TimeSeries of the usual shape, and each one's label bytes are those
     * of a series in the cache (which were valid when it was made) or pass the validator's check.
     * Returns false for anything else, having decided nothing: the caller validates the request in
     * full ({@link WriteRequestValidator}, which words the error) and reads it again.
     */
    boolean readIfValid(byte[] b, int end, RemoteWriteRules.Limits limits) throws IOException {
        reset();
        this.limits = limits;
        CodedInputStream in = CodedInputStream.newInstance(b, 0, end);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag != REQUEST_TIMESERIES) return false;
            int n = length(in, end);
            int at = in.getTotalBytesRead();
            if (!usualTimeSeries(b, at, at + n, true)) return false;
            in.skipRawBytes(n);
        }
        return true;
    }

    private void reset() {
        seriesCount = 0;
        sampleCount = 0;
        extras.reset();
    }

    /**
     * Reads a TimeSeries of the shape Prometheus sends (label fields with one-byte lengths, then
     * sample fields: value, timestamp) straight from the bytes; its labels are one run of bytes,
     * the cache key, without a copy. Returns false, having read nothing, for any other shape, and
     * when {@code validating}, for labels neither cached nor passing the validator's check.
     */
    private boolean usualTimeSeries(byte[] b, int from, int end, boolean validating) throws IOException {
        // Most series are the one that followed the previous series last time: when the bytes of its
        // cached labels come next, followed by a sample field, they are this series' labels (a cached
        // key is whole label fields, valid when it was made), found without walking them.
        int p = from;
        int guess = cache.followerLength();
        SeriesCache.Entry known = guess > 0 && from + guess < end && b[from + guess] == SERIES_SAMPLES
                ? cache.peekFollower(b, from, guess) : null;
        if (known != null) {
            p = from + guess;
        } else {
            while (p < end && b[p] == SERIES_LABELS) {
                if (p + 1 >= end || b[p + 1] < 0) return false;
                p += 2 + b[p + 1];
            }
            if (p > end) return false;
        }
        int labelsEnd = p;
        int first = sampleCount;
        while (p < end) {
            int q = p + 2;
            int qEnd = p + 1 < end ? q + b[p + 1] : -1;
            if (b[p] != SERIES_SAMPLES || qEnd < q || qEnd > end) return undo(first);
            long bits = 0;
            long ts = 0;
            if (q < qEnd && b[q] == SAMPLE_VALUE) {
                if (q + 9 > qEnd) return undo(first);
                bits = (long) LONGS.get(b, q + 1);
                q += 9;
            }
            if (q < qEnd && b[q] == SAMPLE_TIMESTAMP) {
                ts = wholeVarint(b, q + 1, qEnd);
                if (ts < 0) return undo(first);
                q = qEnd;
            }
            if (q != qEnd || validating && !limits.passes(ts, bits)) return undo(first);
            addSample(ts, Double.longBitsToDouble(bits));
            p = qEnd;
        }
        if (sampleCount == first) {
            // no rows, so no series to look up: its labels still have to be valid
            return !validating || WriteRequestValidator.usualTimeSeries(b, from, end, limits) >= 0;
        }
        if (known != null) {
            cache.acceptFollower();
            addSeries(known, first);
            return true;
        }
        SeriesCache.Entry e = cache.get(b, from, labelsEnd - from);
        if (e == null) {
            if (validating && WriteRequestValidator.usualTimeSeries(b, from, end, limits) < 0) return undo(first);
            e = remember(b, from, labelsEnd - from);
        }
        addSeries(e, first);
        return true;
    }

    private boolean undo(int firstSample) {
        sampleCount = firstSample;
        return false;
    }

    /** Reads a TimeSeries of any shape; its label fields are copied together to make the key. */
    private void anyTimeSeries(byte[] b, int from, int len) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(b, from, len);
        keyLen = 0;
        int first = sampleCount;
        int at = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == SERIES_LABELS) {
                in.skipRawBytes(length(in, len));
                appendKey(b, from + at, in.getTotalBytesRead() - at);
            } else if (tag == SERIES_SAMPLES) {
                int limit = enter(in, len);
                sample(in);
                in.popLimit(limit);
            } else if (tag == SERIES_HISTOGRAMS) {
                int limit = enter(in, len);
                extras.histogram(histogramReader.read(in, seriesCount));
                in.popLimit(limit);
            } else if (tag == SERIES_EXEMPLARS) {
                int limit = enter(in, len);
                WriteRequestExtras.exemplar(in, len, extras);
                in.popLimit(limit);
            } else {
                skip(in, tag);
            }
            at = in.getTotalBytesRead();
        }
        if (sampleCount == first && !extras.anyPending()) return; // nothing to write: no series needed
        SeriesCache.Entry e = cache.get(key, 0, keyLen);
        addSeries(e != null ? e : remember(key, 0, keyLen), first);
        long latest = ExtraRow.NO_TS;
        for (int k = first; k < sampleCount; k++) latest = latest == ExtraRow.NO_TS ? timestamps[k] : Math.max(latest, timestamps[k]);
        extras.endSeries(e != null ? e : series[seriesCount - 1], extras.latestHistogram(latest));
    }

    /** Makes the series of label fields {@code k[off, off+len)} seen for the first time, and caches it. */
    private SeriesCache.Entry remember(byte[] k, int off, int len) throws IOException {
        SeriesCache.Entry e = WriteRequestWire.series(k, off, len, maker);
        cache.put(k, off, len, e);
        return e;
    }

    private void sample(CodedInputStream in) throws IOException {
        double value = 0;
        long ts = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == SAMPLE_VALUE) value = in.readDouble();
            else if (tag == SAMPLE_TIMESTAMP) ts = in.readInt64();
            else skip(in, tag);
        }
        addSample(ts, value);
    }

    private void addSample(long ts, double value) {
        if (sampleCount == timestamps.length) {
            charge.accept((long) SAMPLE_BYTES * sampleCount);
            timestamps = Arrays.copyOf(timestamps, sampleCount * 2);
            values = Arrays.copyOf(values, sampleCount * 2);
        }
        timestamps[sampleCount] = ts;
        values[sampleCount] = value;
        sampleCount++;
    }

    /** Ends a series whose samples start at {@code firstSample}. */
    private void addSeries(SeriesCache.Entry e, int firstSample) {
        if (seriesCount == series.length) {
            charge.accept((long) SERIES_BYTES * seriesCount);
            series = Arrays.copyOf(series, seriesCount * 2);
            sampleEnd = Arrays.copyOf(sampleEnd, seriesCount * 2);
        }
        series[seriesCount] = e;
        sampleEnd[seriesCount] = sampleCount;
        seriesCount++;
    }

    /** The key is every label field of the series, tag and length included, in order. */
    private void appendKey(byte[] b, int from, int len) {
        if (keyLen + len > key.length) key = Arrays.copyOf(key, Math.max(keyLen + len, key.length * 2));
        System.arraycopy(b, from, key, keyLen, len);
        keyLen += len;
    }

    /**
     * What the last read decoded. Small reads are copied out (the buffers serve the next read); big ones take the
     * buffers with them, no copy, and the reader starts small again: a reader keeps no more than {@link #KEEP_SAMPLES}.
     */
    public DecodedRequest decoded() {
        if (sampleCount > KEEP_SAMPLES || seriesCount > KEEP_SERIES) {
            DecodedRequest d = new DecodedRequest(series, sampleEnd, timestamps, values, seriesCount, sampleCount, extras);
            series = new SeriesCache.Entry[1024];
            sampleEnd = new int[1024];
            timestamps = new long[4096];
            values = new double[4096];
            return d;
        }
        charge.accept((long) SAMPLE_BYTES * sampleCount + (long) SERIES_BYTES * seriesCount);
        DecodedRequest d = new DecodedRequest(Arrays.copyOf(series, seriesCount), Arrays.copyOf(sampleEnd, seriesCount),
                Arrays.copyOf(timestamps, sampleCount), Arrays.copyOf(values, sampleCount), seriesCount, sampleCount, extras);
        Arrays.fill(series, 0, seriesCount, null); // series the cache did not keep live no longer than their requests
        return d;
    }
}
