package dev.cistern.agent;

import dev.cistern.agent.remotewrite.prompb.WriteV2;
import java.util.List;

/** The Remote-Write 2.0 request the tests send and damage: every kind of field, built with the generated classes. */
public final class RemoteWriteV2TestRequests {
    private RemoteWriteV2TestRequests() {}

    private static final long T0 = 1763773200000L;

    /** An integer histogram, schema 0: negative [-2,-1) 4, zero 1, positive (0.5,1] 2, (1,2] 3, (4,8] 1. */
    public static WriteV2.Histogram intHistogram(long ts) {
        return WriteV2.Histogram.newBuilder().setCountInt(11).setSum(7.5).setSchema(0).setZeroThreshold(0.001).setZeroCountInt(1)
                .addNegativeSpans(span(1, 1)).addNegativeDeltas(4)
                .addPositiveSpans(span(0, 2)).addPositiveSpans(span(1, 1)).addPositiveDeltas(2).addPositiveDeltas(1).addPositiveDeltas(-2)
                .setResetHint(WriteV2.Histogram.ResetHint.RESET_HINT_NO).setTimestamp(ts).build();
    }

    public static WriteV2.BucketSpan span(int offset, int length) {
        return WriteV2.BucketSpan.newBuilder().setOffset(offset).setLength(length).build();
    }

    public static WriteV2.Request request() {
        // symbols:         0   1           2                      3       4      5              6           7         8
        List<String> sym = List.of("", "__name__", "http_requests_total", "code", "200", "rpc_seconds", "trace_id", "abc123", "Requests.",
                "seconds", "Latency.");
        return WriteV2.Request.newBuilder().addAllSymbols(sym)
                .addTimeseries(WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(2).addLabelsRefs(3).addLabelsRefs(4)
                        .addSamples(WriteV2.Sample.newBuilder().setTimestamp(T0).setValue(12))
                        .addSamples(WriteV2.Sample.newBuilder().setTimestamp(T0 + 15_000).setValue(13.5))
                        .addExemplars(WriteV2.Exemplar.newBuilder().addLabelsRefs(6).addLabelsRefs(7).setValue(0.25).setTimestamp(T0 + 1))
                        .setMetadata(WriteV2.Metadata.newBuilder().setType(WriteV2.Metadata.MetricType.METRIC_TYPE_COUNTER).setHelpRef(8))
                        .setCreatedTimestamp(T0 - 1000))
                .addTimeseries(WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(5)
                        .addHistograms(intHistogram(T0))
                        .addHistograms(WriteV2.Histogram.newBuilder().setCountFloat(0.5).setSum(0.4).setSchema(2)
                                .addPositiveSpans(span(-1, 2)).addPositiveCounts(0.5).addPositiveCounts(0).setTimestamp(T0 + 1))
                        .addHistograms(WriteV2.Histogram.newBuilder().setCountInt(5).setSum(2).setSchema(-53)
                                .addCustomValues(0.1).addCustomValues(0.5).addCustomValues(1)
                                .addPositiveSpans(span(0, 4)).addPositiveDeltas(1).addPositiveDeltas(0).addPositiveDeltas(2)
                                .addPositiveDeltas(-3).setTimestamp(T0 + 2))
                        .setMetadata(WriteV2.Metadata.newBuilder().setType(WriteV2.Metadata.MetricType.METRIC_TYPE_HISTOGRAM)
                                .setHelpRef(10).setUnitRef(9)))
                .build();
    }

}
