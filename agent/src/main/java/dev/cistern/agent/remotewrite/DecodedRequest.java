package dev.cistern.agent.remotewrite;

import java.util.Map;

/**
 * A remote_write request's rows, decoded: series {@code i} has samples {@code [firstSample(i),
 * endSample(i))}. Made by a {@link WriteRequestReader}; immutable once made, so an HTTP thread can
 * hand it to a sealer lane.
 */
public final class DecodedRequest {
    private final SeriesCache.Entry[] series;
    private final int[] sampleEnd;
    private final long[] timestamps;
    private final double[] values;
    private final int seriesCount;
    private final int sampleCount;
    private final long histograms;
    private final byte[] rewrittenBody;
    private final Map<RemoteWriteRule, Long> dropped;

    /** The first {@code seriesCount} series and {@code sampleCount} samples of the arrays (which may be longer). */
    DecodedRequest(SeriesCache.Entry[] series, int[] sampleEnd, long[] timestamps, double[] values, int seriesCount, int sampleCount,
                   long histograms) {
        this(series, sampleEnd, timestamps, values, seriesCount, sampleCount, histograms, null, Map.of());
    }

    private DecodedRequest(SeriesCache.Entry[] series, int[] sampleEnd, long[] timestamps, double[] values, int seriesCount,
                           int sampleCount, long histograms, byte[] rewrittenBody, Map<RemoteWriteRule, Long> dropped) {
        this.seriesCount = seriesCount;
        this.sampleCount = sampleCount;
        this.series = series;
        this.sampleEnd = sampleEnd;
        this.timestamps = timestamps;
        this.values = values;
        this.histograms = histograms;
        this.rewrittenBody = rewrittenBody;
        this.dropped = dropped;
    }

    /** These rows, read from {@code body} (snappy), which is the request without what the drop policies took out. */
    DecodedRequest rewritten(byte[] body, Map<RemoteWriteRule, Long> droppedRows) {
        return new DecodedRequest(series, sampleEnd, timestamps, values, seriesCount, sampleCount, histograms, body,
                Map.copyOf(droppedRows));
    }

    /** The body to journal instead of the one received (snappy), or null: nothing was dropped. */
    public byte[] rewrittenBody() {
        return rewrittenBody;
    }

    /** Rows the drop policies took out, by rule. */
    public Map<RemoteWriteRule, Long> dropped() {
        return dropped;
    }

    public int seriesCount() {
        return seriesCount;
    }

    public SeriesCache.Entry series(int i) {
        return series[i];
    }

    public int firstSample(int i) {
        return i == 0 ? 0 : sampleEnd[i - 1];
    }

    public int endSample(int i) {
        return sampleEnd[i];
    }

    public int sampleCount() {
        return sampleCount;
    }

    public long timestamp(int k) {
        return timestamps[k];
    }

    public double value(int k) {
        return values[k];
    }

    /** Native histograms seen (not stored). */
    public long histograms() {
        return histograms;
    }

    /** About what it holds on the heap (the series are shared with a cache). */
    long heapBytes() {
        return 64 + (long) WriteRequestReader.SERIES_BYTES * series.length + (long) WriteRequestReader.SAMPLE_BYTES * timestamps.length
                + (rewrittenBody == null ? 0 : rewrittenBody.length);
    }
}
