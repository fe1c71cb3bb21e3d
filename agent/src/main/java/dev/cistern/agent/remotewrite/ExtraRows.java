package dev.cistern.agent.remotewrite;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects a request's {@link ExtraRow}s as a reader walks it. A TimeSeries' histograms, exemplars
 * and metadata may come before its labels, so they wait as pending until the series is known
 * ({@link #endSeries}). An exemplar without a timestamp (0, "not set" in 2.0) takes the series' latest sample time.
 */
final class ExtraRows {
    private record Pending(ExtraRow.Kind kind, long ts, ExtraRow.Body body) {}

    private final List<Pending> pending = new ArrayList<>();
    private final List<ExtraRow> rows = new ArrayList<>();
    private long histograms;
    private long exemplars;

    void reset() {
        pending.clear();
        rows.clear();
        histograms = 0;
        exemplars = 0;
    }

    boolean anyPending() {
        return !pending.isEmpty();
    }

    void histogram(NativeHistogram h) {
        pending.add(new Pending(ExtraRow.Kind.HISTOGRAM, h.ts(), h));
    }

    void exemplar(long ts, double value, String[] labels) {
        pending.add(new Pending(ExtraRow.Kind.EXEMPLAR, ts, new ExtraRow.Exemplar(value, labels)));
    }

    void metadata(long ts, ExtraRow.Metadata m) {
        pending.add(new Pending(ExtraRow.Kind.METADATA, ts, m));
    }

    /** A row whose series is known at once (remote_write 1.0 metadata). */
    void add(ExtraRow row) {
        rows.add(row);
    }

    /** The pending rows belong to {@code series}, whose latest sample time in the request is {@code latestTs} (or NO_TS). */
    void endSeries(SeriesCache.Entry series, long latestTs) {
        if (pending.isEmpty()) return; // the usual: a float series
        for (Pending p : pending) {
            long ts = p.ts;
            if (p.kind == ExtraRow.Kind.HISTOGRAM) histograms++;
            if (p.kind == ExtraRow.Kind.EXEMPLAR) {
                exemplars++;
                if (ts == 0 && latestTs != ExtraRow.NO_TS) ts = latestTs;
            }
            rows.add(new ExtraRow(p.kind, series, ts, p.body));
        }
        pending.clear();
    }

    /** The latest time of the pending histograms, or {@code ts} if later. */
    long latestHistogram(long ts) {
        if (pending.isEmpty()) return ts;
        for (Pending p : pending) if (p.kind == ExtraRow.Kind.HISTOGRAM && (ts == ExtraRow.NO_TS || p.ts > ts)) ts = p.ts;
        return ts;
    }

    List<ExtraRow> copy() {
        return rows.isEmpty() ? List.of() : List.copyOf(rows);
    }

    long histograms() {
        return histograms;
    }

    long exemplars() {
        return exemplars;
    }
}
