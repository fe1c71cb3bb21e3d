package dev.cistern.agent.ingest;

import static dev.cistern.agent.ingest.WriteRequestWire.*;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sealer's reader of journaled remote_write bodies. It walks the protobuf in place, without
 * message objects, and finds each TimeSeries' series in a {@link SeriesCache} by the raw bytes of
 * its label fields, so labels are decoded only the first time a series is seen. After
 * {@link #read}, series {@code i} has samples {@code [firstSample(i), endSample(i))}. Buffers are
 * reused from entry to entry; one reader per thread.
 */
final class WriteRequestReader {
    /** Makes the series for a label set seen for the first time; {@code labels} are key/value pairs without {@code __name__}. */
    @FunctionalInterface
    interface SeriesMaker {
        SeriesCache.Entry make(String name, String[] labels);
    }

    private static final int KEEP_BUFFER_BYTES = 16 << 20;

    private final SeriesCache cache;
    private final SeriesMaker maker;
    private byte[] raw = new byte[1 << 20];
    private byte[] key = new byte[1024];
    private int keyLen;
    private SeriesCache.Entry[] series = new SeriesCache.Entry[1024];
    private int[] sampleEnd = new int[1024];
    private long[] timestamps = new long[4096];
    private double[] values = new double[4096];
    private int seriesCount;
    private int sampleCount;
    private long histograms;

    WriteRequestReader(SeriesCache cache, SeriesMaker maker) {
        this.cache = cache;
        this.maker = maker;
    }

    /** Reads one snappy-compressed WriteRequest; throws on anything it cannot decode. */
    void read(byte[] body) throws IOException {
        seriesCount = 0;
        sampleCount = 0;
        histograms = 0;
        RemoteWriteDecoder.Decoded d = RemoteWriteDecoder.decompress(body, body.length, Integer.MAX_VALUE, raw);
        if (d.bytes().length <= KEEP_BUFFER_BYTES) raw = d.bytes();
        byte[] b = d.bytes();
        int end = d.length();
        CodedInputStream in = CodedInputStream.newInstance(b, 0, end);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == REQUEST_TIMESERIES) {
                int limit = enter(in, end);
                timeSeries(in, b, end);
                in.popLimit(limit);
            } else {
                skip(in, tag);
            }
        }
    }

    private void timeSeries(CodedInputStream in, byte[] b, int end) throws IOException {
        keyLen = 0;
        int first = sampleCount;
        int at = in.getTotalBytesRead();
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == SERIES_LABELS) {
                in.skipRawBytes(length(in, end));
                appendKey(b, at, in.getTotalBytesRead() - at);
            } else if (tag == SERIES_SAMPLES) {
                int limit = enter(in, end);
                sample(in);
                in.popLimit(limit);
            } else {
                if (tag == SERIES_HISTOGRAMS) histograms++;
                skip(in, tag);
            }
            at = in.getTotalBytesRead();
        }
        if (sampleCount == first) return; // nothing to write: no series needed
        SeriesCache.Entry e = cache.get(key, 0, keyLen);
        if (e == null) {
            e = make();
            cache.put(key, 0, keyLen, e);
        }
        if (seriesCount == series.length) {
            series = Arrays.copyOf(series, seriesCount * 2);
            sampleEnd = Arrays.copyOf(sampleEnd, seriesCount * 2);
        }
        series[seriesCount] = e;
        sampleEnd[seriesCount] = sampleCount;
        seriesCount++;
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
        if (sampleCount == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, sampleCount * 2);
            values = Arrays.copyOf(values, sampleCount * 2);
        }
        timestamps[sampleCount] = ts;
        values[sampleCount] = value;
        sampleCount++;
    }

    /** The key is every label field of the series, tag and length included, in order. */
    private void appendKey(byte[] b, int from, int len) {
        if (keyLen + len > key.length) key = Arrays.copyOf(key, Math.max(keyLen + len, key.length * 2));
        System.arraycopy(b, from, key, keyLen, len);
        keyLen += len;
    }

    /** Decodes the label fields in the key: the first {@code __name__} is the name, the rest labels. */
    private SeriesCache.Entry make() throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(key, 0, keyLen);
        String name = null;
        List<String> kv = new ArrayList<>();
        while (in.readTag() != 0) {
            int limit = enter(in, keyLen);
            String k = "";
            String v = "";
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == LABEL_NAME) k = in.readStringRequireUtf8();
                else if (tag == LABEL_VALUE) v = in.readStringRequireUtf8();
                else skip(in, tag);
            }
            in.popLimit(limit);
            if (name == null && k.equals("__name__")) {
                name = v;
            } else {
                kv.add(k);
                kv.add(v);
            }
        }
        if (name == null) throw new InvalidProtocolBufferException("a series with samples has no __name__ label");
        return maker.make(name, kv.toArray(new String[0]));
    }

    int seriesCount() {
        return seriesCount;
    }

    SeriesCache.Entry series(int i) {
        return series[i];
    }

    int firstSample(int i) {
        return i == 0 ? 0 : sampleEnd[i - 1];
    }

    int endSample(int i) {
        return sampleEnd[i];
    }

    long timestamp(int k) {
        return timestamps[k];
    }

    double value(int k) {
        return values[k];
    }

    /** Native histograms seen (not stored). */
    long histograms() {
        return histograms;
    }
}
