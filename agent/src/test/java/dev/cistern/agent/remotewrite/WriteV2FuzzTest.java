package dev.cistern.agent.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cistern.agent.RemoteWriteV2TestRequests;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.agent.remotewrite.prompb.WriteV2;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random damage to valid Remote-Write 2.0 requests: the validating decoder ({@link RemoteWriteHandoff#decodeV2})
 * accepts exactly what the generated parser plus the agent's rules (written plainly below) accept, and yields
 * the reference's float rows, histogram totals and exemplar count; so it does under the drop policies.
 */
class WriteV2FuzzTest {

    @Test
    void damagedRequestsAreTakenExactlyAsTheReferenceTakesThem() throws Exception {
        fuzz(RemoteWriteV2TestRequests.request().toByteArray(), 21);
        fuzz(RemoteWriteV2TestRequests.request().toBuilder().addSymbols("a_b").build().toByteArray(), 22);
    }

    /** Symbols and series keyed by their ids are forgotten all the time under a tiny budget: slower, never another row. */
    @Test
    void forgettingInternedSymbolsChangesNoRow() throws Exception {
        fuzz(RemoteWriteV2TestRequests.request().toByteArray(), 23, 4096, 5_000);
    }

    private static void fuzz(byte[] good, long seed) {
        fuzz(good, seed, 1 << 20, 20_000);
    }

    private static void fuzz(byte[] good, long seed, long seriesBudget, int rounds) {
        SplittableRandom rnd = new SplittableRandom(seed);
        RemoteWriteHandoff handoff = new RemoteWriteHandoff(2, RemoteWriteHandoffTest.TWO_LANES, WriteRequestReaderTest::make,
                seriesBudget, 1 << 20);
        int accepted = 0;
        for (int round = 0; round < rounds; round++) {
            byte[] b = WriteRequestFuzzTest.mutate(good, rnd);
            accepted += check(b, handoff, RemoteWriteRules.DEFAULT, RemoteWriteRules.Limits.SPOOL_RANGE, false);
            check(b, handoff, WriteRequestFuzzTest.DROP_ALL, WriteRequestFuzzTest.WINDOW, true);
        }
        assertTrue(accepted > rounds / 20, "the damage leaves some requests valid: " + accepted);
    }

    private static int check(byte[] b, RemoteWriteHandoff handoff, RemoteWriteRules rules, RemoteWriteRules.Limits limits,
                             boolean dropping) {
        WriteV2.Request parsed = parse(b);
        WriteV2.Request kept = parsed == null ? null : kept(parsed, limits, dropping);
        DecodedRequest decoded;
        try {
            decoded = handoff.decodeV2(b, b.length, rules, limits);
        } catch (InvalidWriteRequestException e) {
            decoded = null;
        }
        assertEquals(kept != null, decoded != null, () -> "decoder (dropping " + dropping + ") on " + Arrays.toString(b));
        if (kept == null) return 0;
        RemoteWrite.WriteRequest.Builder v1 = RemoteWrite.WriteRequest.newBuilder();
        long histograms = 0;
        long exemplars = 0;
        double histogramTotal = 0;
        for (WriteV2.TimeSeries ts : kept.getTimeseriesList()) {
            RemoteWrite.TimeSeries.Builder s = RemoteWrite.TimeSeries.newBuilder();
            for (int i = 0; i < ts.getLabelsRefsCount(); i += 2) {
                String k = kept.getSymbols(ts.getLabelsRefs(i));
                s.addLabels(WriteRequestValidatorTest.label(k, kept.getSymbols(ts.getLabelsRefs(i + 1))));
            }
            for (WriteV2.Sample x : ts.getSamplesList()) s.addSamples(WriteRequestValidatorTest.sample(x.getTimestamp(), x.getValue()));
            v1.addTimeseries(s);
            histograms += ts.getHistogramsCount();
            exemplars += ts.getExemplarsCount();
            for (WriteV2.Histogram h : ts.getHistogramsList()) histogramTotal += total(h);
        }
        DecodedRequest d = decoded;
        assertEquals(WriteRequestReaderTest.expected(v1.build()), WriteRequestReaderTest.rows(decoded),
                () -> "rows of " + Arrays.toString(b));
        assertEquals(histograms, d.histograms());
        assertEquals(exemplars, d.exemplars());
        double decodedTotal = 0;
        for (ExtraRow x : d.extras()) {
            if (x.body() instanceof NativeHistogram h) {
                for (double c : h.counts()) decodedTotal += c;
            }
        }
        assertEquals(histogramTotal, decodedTotal, 1e-9 * Math.max(1, histogramTotal), () -> "histograms of " + Arrays.toString(b));
        return 1;
    }

    /** A histogram's observations in buckets: the zero bucket's and every bucket's (a stored row lists the zero bucket among them). */
    private static double total(WriteV2.Histogram h) {
        boolean isFloat = h.getCountCase() == WriteV2.Histogram.CountCase.COUNT_FLOAT;
        double t = isFloat ? h.getZeroCountFloat() : h.getZeroCountInt();
        if (isFloat) {
            for (double c : h.getNegativeCountsList()) t += c;
            for (double c : h.getPositiveCountsList()) t += c;
            return t;
        }
        for (List<Long> deltas : List.of(h.getNegativeDeltasList(), h.getPositiveDeltasList())) {
            long c = 0;
            for (long d : deltas) t += c += d;
        }
        return t;
    }

    private static WriteV2.Request parse(byte[] b) {
        try {
            return WriteV2.Request.parseFrom(b);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    /** The reference: null when refused, else the series with anything to store, without what {@code dropping} drops. */
    static WriteV2.Request kept(WriteV2.Request req, RemoteWriteRules.Limits limits, boolean dropping) {
        int n = req.getSymbolsCount();
        if (n > 0 && !req.getSymbols(0).isEmpty()) return null;
        WriteV2.Request.Builder out = req.toBuilder().clearTimeseries();
        for (WriteV2.TimeSeries ts : req.getTimeseriesList()) {
            if (!refsOk(ts.getLabelsRefsList(), req)) return null;
            for (WriteV2.Exemplar e : ts.getExemplarsList()) if (!refsOk(e.getLabelsRefsList(), req)) return null;
            if (ts.hasMetadata() && (ts.getMetadata().getHelpRef() >= n || ts.getMetadata().getUnitRef() >= n
                    || ts.getMetadata().getHelpRef() < 0 || ts.getMetadata().getUnitRef() < 0)) {
                return null;
            }
            for (WriteV2.Histogram h : ts.getHistogramsList()) if (!HistogramRules.valid(h)) return null;
            boolean anything = ts.getSamplesCount() + ts.getHistogramsCount() + ts.getExemplarsCount() > 0 || ts.hasMetadata()
                    || ts.getCreatedTimestamp() != 0;
            if (!anything) continue;
            boolean named = false;
            boolean labelsOk = true;
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < ts.getLabelsRefsCount(); i += 2) {
                String k = req.getSymbols(ts.getLabelsRefs(i));
                String v = req.getSymbols(ts.getLabelsRefs(i + 1));
                if (k.equals("__name__") && !v.isEmpty()) {
                    named = true;
                    labelsOk &= v.matches("[a-zA-Z_:][a-zA-Z0-9_:]*");
                }
                labelsOk &= k.matches("[a-zA-Z_][a-zA-Z0-9_]*") && seen.add(k);
            }
            if (!named) return null;
            if (!labelsOk) {
                if (!dropping) return null;
                continue;
            }
            WriteV2.TimeSeries.Builder kept = ts.toBuilder().clearSamples().clearHistograms();
            for (WriteV2.Sample s : ts.getSamplesList()) {
                int keep = PrometheusRules.keeps(s.getTimestamp(), s.getValue(), limits, dropping);
                if (keep < 0) return null;
                if (keep > 0) kept.addSamples(s);
            }
            for (WriteV2.Histogram h : ts.getHistogramsList()) {
                int keep = PrometheusRules.keeps(h.getTimestamp(), h.getSum(), limits, dropping);
                if (keep < 0) return null;
                if (keep > 0) kept.addHistograms(h);
            }
            out.addTimeseries(kept);
        }
        return out.build();
    }

    private static boolean refsOk(List<Integer> refs, WriteV2.Request req) {
        if (refs.size() % 2 != 0) return false;
        for (int r : refs) if (r < 0 || r >= req.getSymbolsCount()) return false;
        for (int i = 0; i < refs.size(); i += 2) if (req.getSymbols(refs.get(i)).isEmpty()) return false;
        return true;
    }
}
