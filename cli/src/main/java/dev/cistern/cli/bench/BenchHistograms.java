package dev.cistern.cli.bench;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.spool.Series;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Which corpus series a benchmark sends as native histograms, and the histogram sample a row
 * becomes: a latency histogram of the shape Prometheus' client libraries record (schema 3, two
 * spans, 12 integer buckets), its counts grown from the row's value so that they rise like a counter's.
 * The Histogram message has the same field numbers in Remote-Write 1.0 and 2.0, so both send these bytes.
 */
public final class BenchHistograms {
    private static final int[] SHAPE = {3, 9, 21, 40, 55, 61, 48, 30, 12, 5, 2, 1}; // a bucket's share of each step

    private BenchHistograms() {}

    /** The series that {@code share} (0..1) of the corpus' series are, spread evenly through it. */
    public static Set<Series> pick(List<Corpus.Sample> samples, double share) {
        if (!(share >= 0 && share <= 1)) throw new IllegalArgumentException("histogram share must be within 0..1, is " + share);
        Set<Series> picked = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < samples.size(); i++) {
            if (Math.floor((i + 1) * share) > Math.floor(i * share)) picked.add(samples.get(i).series());
        }
        return picked;
    }

    /** The Histogram message (no tag, no length) of one row at {@code ts} whose float value would be {@code value}. */
    public static byte[] message(long ts, double value) {
        long steps = Double.isFinite(value) ? (long) Math.min(1e12, Math.abs(value)) % 1_000_000 + 1 : 1;
        RemoteWrite.Histogram.Builder h = RemoteWrite.Histogram.newBuilder()
                .setSchema(3).setZeroThreshold(1e-128).setZeroCountInt(steps).setTimestamp(ts)
                .addPositiveSpans(RemoteWrite.BucketSpan.newBuilder().setOffset(-6).setLength(7))
                .addPositiveSpans(RemoteWrite.BucketSpan.newBuilder().setOffset(2).setLength(5));
        long count = steps;
        long previous = 0;
        double sum = 0;
        for (int i = 0; i < SHAPE.length; i++) {
            long c = SHAPE[i] * steps;
            h.addPositiveDeltas(c - previous);
            previous = c;
            count += c;
            sum += c * Math.pow(2, (i - 6) / 8.0);
        }
        return h.setCountInt(count).setSum(Math.round(sum * 1e3) / 1e3).build().toByteArray();
    }
}
