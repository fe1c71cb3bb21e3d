package dev.cistern.agent.remotewrite;

import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** What a request loses under the drop policies: whole series (by index) and single samples, with counts by rule. */
final class Drops {
    private final BitSet series = new BitSet();
    private final Map<Integer, BitSet> samples = new HashMap<>();
    private final Map<Integer, BitSet> histograms = new HashMap<>();
    private final EnumMap<RemoteWriteRule, Long> counts = new EnumMap<>(RemoteWriteRule.class);

    void series(int index, RemoteWriteRule rule, long sampleCount) {
        series.set(index);
        counts.merge(rule, sampleCount, Long::sum);
    }

    void sample(int seriesIndex, int sampleIndex, boolean histogram, RemoteWriteRule rule) {
        (histogram ? histograms : samples).computeIfAbsent(seriesIndex, i -> new BitSet()).set(sampleIndex);
        counts.merge(rule, 1L, Long::sum);
    }

    boolean seriesDropped(int index) {
        return series.get(index);
    }

    /** The dropped samples of a kept series, or null. */
    BitSet samplesDropped(int seriesIndex) {
        return samples.get(seriesIndex);
    }

    /** The dropped histogram samples of a kept series, or null. */
    BitSet histogramsDropped(int seriesIndex) {
        return histograms.get(seriesIndex);
    }

    /** Rows dropped, by rule. */
    Map<RemoteWriteRule, Long> counts() {
        return Collections.unmodifiableMap(counts);
    }
}
