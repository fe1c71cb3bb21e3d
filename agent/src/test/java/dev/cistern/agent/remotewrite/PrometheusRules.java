package dev.cistern.agent.remotewrite;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import java.util.HashSet;
import java.util.Set;

/** The rules written plainly over generated messages, as the fuzz test's reference. */
final class PrometheusRules {
    private PrometheusRules() {}

    /**
     * The request as the agent should take it: null when refused, else without what {@code dropping}
     * drops (series breaking a label rule, samples out of {@code limits} or stale when it says so).
     */
    static RemoteWrite.WriteRequest kept(RemoteWrite.WriteRequest req, RemoteWriteRules.Limits limits, boolean dropping) {
        RemoteWrite.WriteRequest.Builder out = req.toBuilder().clearTimeseries();
        for (RemoteWrite.TimeSeries ts : req.getTimeseriesList()) {
            boolean named = false;
            for (RemoteWrite.Label l : ts.getLabelsList()) {
                if (l.getName().isEmpty()) return null;
                if (l.getName().equals("__name__") && !l.getValue().isEmpty()) named = true;
            }
            if (!named && ts.getSamplesCount() + ts.getHistogramsCount() + ts.getExemplarsCount() > 0) return null;
            for (RemoteWrite.Histogram h : ts.getHistogramsList()) if (!HistogramRules.valid(h.toByteString())) return null;
            if (!labelsValid(ts)) {
                if (!dropping) return null;
                continue;
            }
            RemoteWrite.TimeSeries.Builder kept = ts.toBuilder().clearSamples().clearHistograms();
            for (RemoteWrite.Sample s : ts.getSamplesList()) {
                int keep = keeps(s.getTimestamp(), s.getValue(), limits, dropping);
                if (keep < 0) return null;
                if (keep > 0) kept.addSamples(s);
            }
            for (RemoteWrite.Histogram h : ts.getHistogramsList()) {
                int keep = keeps(h.getTimestamp(), h.getSum(), limits, dropping);
                if (keep < 0) return null;
                if (keep > 0) kept.addHistograms(h);
            }
            out.addTimeseries(kept);
        }
        return out.build();
    }

    /** 1: kept, 0: dropped, -1: the request is refused. A histogram is stale when its sum is the marker. */
    static int keeps(long ts, double value, RemoteWriteRules.Limits limits, boolean dropping) {
        boolean inWindow = ts >= limits.minTs() && ts <= limits.maxTs();
        if (!inWindow && !dropping) return -1;
        boolean stale = Double.doubleToRawLongBits(value) == RemoteWriteRules.STALE_NAN;
        return inWindow && !(stale && limits.refuseStale()) ? 1 : 0;
    }

    private static boolean labelsValid(RemoteWrite.TimeSeries ts) {
        Set<String> seen = new HashSet<>();
        for (RemoteWrite.Label l : ts.getLabelsList()) {
            if (!l.getName().matches("[a-zA-Z_][a-zA-Z0-9_]*") || !seen.add(l.getName())) return false;
            if (l.getName().equals("__name__") && !l.getValue().isEmpty() && !l.getValue().matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
                return false;
            }
        }
        return true;
    }

    /** Whether the bytes hold a 10-byte varint whose last byte is over 1 (9 continuation bytes, then 2-127). */
    static boolean hasOverflowingVarint(byte[] b) {
        for (int i = 0; i + 9 < b.length; i++) {
            boolean run = true;
            for (int k = 0; k < 9 && run; k++) run = b[i + k] < 0;
            if (run && b[i + 9] > 1) return true;
        }
        return false;
    }
}
