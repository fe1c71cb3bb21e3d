package dev.cistern.agent.remotewrite;

import java.util.List;
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
    private final List<ExtraRow> extras;
    private final long histograms;
    private final long exemplars;
    private final byte[] rewrittenBody;
    private final Map<RemoteWriteRule, Long> dropped;

    DecodedRequest(SeriesCache.Entry[] series, int[] sampleEnd, long[] timestamps, double[] values, ExtraRows extras) {
        this(series, sampleEnd, timestamps, values, extras.copy(), extras.histograms(), extras.exemplars(), null, Map.of());
    }

    private DecodedRequest(SeriesCache.Entry[] series, int[] sampleEnd, long[] timestamps, double[] values, List<ExtraRow> extras,
                           long histograms, long exemplars, byte[] rewrittenBody, Map<RemoteWriteRule, Long> dropped) {
        this.series = series;
        this.sampleEnd = sampleEnd;
        this.timestamps = timestamps;
        this.values = values;
        this.extras = extras;
        this.histograms = histograms;
        this.exemplars = exemplars;
        this.rewrittenBody = rewrittenBody;
        this.dropped = dropped;
    }

    /** These rows, read from {@code body} (snappy), which is the request without what the drop policies took out. */
    DecodedRequest rewritten(byte[] body, Map<RemoteWriteRule, Long> droppedRows) {
        return new DecodedRequest(series, sampleEnd, timestamps, values, extras, histograms, exemplars, body, Map.copyOf(droppedRows));
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
        return series.length;
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
        return timestamps.length;
    }

    public long timestamp(int k) {
        return timestamps[k];
    }

    public double value(int k) {
        return values[k];
    }

    /** Native histogram samples (among {@link #extras}). */
    public long histograms() {
        return histograms;
    }

    /** Exemplars (among {@link #extras}). */
    public long exemplars() {
        return exemplars;
    }

    /** Histogram samples, exemplars and metadata, each tied to its series. */
    public List<ExtraRow> extras() {
        return extras;
    }

    /** About what it holds on the heap (the series are shared with a cache). */
    long heapBytes() {
        return 64 + 12L * series.length + 16L * timestamps.length + 256L * extras.size();
    }
}
