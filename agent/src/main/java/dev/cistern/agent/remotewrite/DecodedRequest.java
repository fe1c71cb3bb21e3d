package dev.cistern.agent.remotewrite;

import java.util.List;
import java.util.Map;

/**
 * A remote_write request's rows, decoded: series {@code i} has samples {@code [firstSample(i),
 * endSample(i))}, and the histogram, exemplar and metadata rows are {@link #extras()}. Made by a
 * {@link WriteRequestReader} or {@link WriteV2Reader}; immutable once made, so an HTTP thread can
 * hand it to an applier lane.
 */
public final class DecodedRequest {
    private final SeriesCache.Entry[] series;
    private final int[] sampleEnd;
    private final long[] timestamps;
    private final double[] values;
    private final int seriesCount;
    private final int sampleCount;
    private final List<ExtraRow> extras;
    private final long histograms;
    private final long exemplars;
    private final byte[] rewrittenBody;
    private final Map<RemoteWriteRule, Long> dropped;
    /** The routing generation its series were made under (set once, before it is handed to a lane). */
    private long routing;
    /** The heap of its series no cache holds (set once, as {@link #routing}). */
    private long orphanBytes;

    /** All of the arrays. */
    DecodedRequest(SeriesCache.Entry[] series, int[] sampleEnd, long[] timestamps, double[] values, ExtraRows extras) {
        this(series, sampleEnd, timestamps, values, series.length, timestamps.length, extras);
    }

    /** The first {@code seriesCount} series and {@code sampleCount} samples of the arrays (which may be longer). */
    DecodedRequest(SeriesCache.Entry[] series, int[] sampleEnd, long[] timestamps, double[] values, int seriesCount, int sampleCount,
                   ExtraRows extras) {
        this(new Arrays4(series, sampleEnd, timestamps, values), seriesCount, sampleCount, extras.copy(), extras.histograms(),
                extras.exemplars(), null, Map.of());
    }

    /** The four parallel arrays, so the full constructor stays readable. */
    private record Arrays4(SeriesCache.Entry[] series, int[] sampleEnd, long[] timestamps, double[] values) {}

    private DecodedRequest(Arrays4 a, int seriesCount, int sampleCount, List<ExtraRow> extras, long histograms, long exemplars,
                           byte[] rewrittenBody, Map<RemoteWriteRule, Long> dropped) {
        this.series = a.series();
        this.sampleEnd = a.sampleEnd();
        this.timestamps = a.timestamps();
        this.values = a.values();
        this.seriesCount = seriesCount;
        this.sampleCount = sampleCount;
        this.extras = extras;
        this.histograms = histograms;
        this.exemplars = exemplars;
        this.rewrittenBody = rewrittenBody;
        this.dropped = dropped;
    }

    /** These rows, read from {@code body} (snappy), which is the request without what the drop policies took out. */
    DecodedRequest rewritten(byte[] body, Map<RemoteWriteRule, Long> droppedRows) {
        return new DecodedRequest(new Arrays4(series, sampleEnd, timestamps, values), seriesCount, sampleCount, extras, histograms,
                exemplars, body, Map.copyOf(droppedRows));
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

    /** About what it holds on the heap (the arrays at their capacity, the series only where no cache holds them). */
    long heapBytes() {
        return 64 + orphanBytes + (long) WriteRequestReader.SERIES_BYTES * series.length
                + (long) WriteRequestReader.SAMPLE_BYTES * timestamps.length
                + (rewrittenBody == null ? 0 : rewrittenBody.length) + 256L * extras.size();
    }

    long routing() {
        return routing;
    }

    DecodedRequest routing(long generation) {
        this.routing = generation;
        return this;
    }

    DecodedRequest orphans(long bytes) {
        this.orphanBytes = bytes;
        return this;
    }
}
