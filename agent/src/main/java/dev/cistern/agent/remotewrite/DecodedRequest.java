package dev.cistern.agent.remotewrite;

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
    private final long histograms;

    DecodedRequest(SeriesCache.Entry[] series, int[] sampleEnd, long[] timestamps, double[] values, long histograms) {
        this.series = series;
        this.sampleEnd = sampleEnd;
        this.timestamps = timestamps;
        this.values = values;
        this.histograms = histograms;
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

    /** Native histograms seen (not stored). */
    public long histograms() {
        return histograms;
    }

    /** About what it holds on the heap (the series are shared with a cache). */
    long heapBytes() {
        return 64 + 12L * series.length + 16L * timestamps.length;
    }
}
