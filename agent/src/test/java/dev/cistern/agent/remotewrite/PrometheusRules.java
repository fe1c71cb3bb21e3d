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
            if (!named && ts.getSamplesCount() > 0) return null;
            if (!labelsValid(ts)) {
                if (!dropping) return null;
                continue;
            }
            RemoteWrite.TimeSeries.Builder kept = ts.toBuilder().clearSamples();
            for (RemoteWrite.Sample s : ts.getSamplesList()) {
                boolean inWindow = s.getTimestamp() >= limits.minTs() && s.getTimestamp() <= limits.maxTs();
                if (!inWindow && !dropping) return null;
                boolean stale = Double.doubleToRawLongBits(s.getValue()) == RemoteWriteRules.STALE_NAN;
                if (inWindow && !(stale && limits.refuseStale())) kept.addSamples(s);
            }
            out.addTimeseries(kept);
        }
        return out.build();
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
