package dev.cistern.agent.remotewrite;

import static dev.cistern.agent.remotewrite.WriteRequestValidatorTest.label;
import static dev.cistern.agent.remotewrite.WriteRequestValidatorTest.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.spool.Labels;
import dev.cistern.spool.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** The sealer's reader gives the rows the generated parser gives, from cached series or not. */
class WriteRequestReaderTest {
    private static final Labels STATIC = Labels.of("cluster", "c1");

    static SeriesCache.Entry make(String name, String[] labels) {
        Series s = Series.of(name, Labels.of(labels).with(STATIC));
        return new SeriesCache.Entry(s, s.name().startsWith("a") ? 1 : 2);
    }

    /** A request of random series drawn from a small pool, some with several samples, labels and samples interleaved. */
    private static RemoteWrite.WriteRequest request(SplittableRandom rnd, int series) {
        RemoteWrite.WriteRequest.Builder r = RemoteWrite.WriteRequest.newBuilder();
        for (int i = 0; i < series; i++) {
            int id = rnd.nextInt(50);
            RemoteWrite.TimeSeries.Builder ts = RemoteWrite.TimeSeries.newBuilder();
            ts.addLabels(label("__name__", (id % 2 == 0 ? "a_metric_" : "b_metric_") + id));
            ts.addLabels(label("pod", "p\"" + id + "\u00e9"));
            if (id % 7 == 0) ts.addLabels(label("__name__", "second_name")); // only the first is the name
            if (id % 5 == 0) ts.addLabels(label("cluster", "own")); // keeps its own value over the static one
            int samples = id % 3 == 0 ? 0 : 1 + rnd.nextInt(3);
            for (int k = 0; k < samples; k++) ts.addSamples(sample(1000L * rnd.nextInt(1000), rnd.nextDouble() * 100));
            if (id % 11 == 0) ts.addHistograms(RemoteWrite.Histogram.getDefaultInstance());
            r.addTimeseries(ts);
        }
        return r.build();
    }

    record Row(String name, Labels labels, long route, long ts, double value) {}

    static List<Row> expected(RemoteWrite.WriteRequest req) {
        List<Row> rows = new ArrayList<>();
        for (RemoteWrite.TimeSeries ts : req.getTimeseriesList()) {
            if (ts.getSamplesCount() == 0) continue;
            String name = null;
            List<String> kv = new ArrayList<>();
            for (RemoteWrite.Label l : ts.getLabelsList()) {
                if (name == null && l.getName().equals("__name__")) {
                    name = l.getValue();
                } else {
                    kv.add(l.getName());
                    kv.add(l.getValue());
                }
            }
            SeriesCache.Entry e = make(name, LabelOrder.sorted(kv.toArray(new String[0]))); // stored sorted by name
            for (RemoteWrite.Sample s : ts.getSamplesList()) {
                rows.add(new Row(e.series().name(), e.series().labels(), e.route(), s.getTimestamp(), s.getValue()));
            }
        }
        return rows;
    }

    private static List<Row> read(WriteRequestReader r, RemoteWrite.WriteRequest req) throws Exception {
        return read(r, req.toByteArray());
    }

    static List<Row> read(WriteRequestReader r, byte[] raw) throws Exception {
        r.read(Snappy.compress(raw), null);
        return rows(r.decoded());
    }

    static List<Row> rows(DecodedRequest r) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < r.seriesCount(); i++) {
            SeriesCache.Entry e = r.series(i);
            for (int k = r.firstSample(i); k < r.endSample(i); k++) {
                rows.add(new Row(e.series().name(), e.series().labels(), e.route(), r.timestamp(k), r.value(k)));
            }
        }
        return rows;
    }

    @Test
    void readsTheSameRowsAsTheGeneratedParser() throws Exception {
        SeriesCache cache = new SeriesCache(SeriesCache.defaultBudget());
        WriteRequestReader reader = new WriteRequestReader(cache, WriteRequestReaderTest::make);
        SplittableRandom rnd = new SplittableRandom(7);
        for (int round = 0; round < 20; round++) {
            RemoteWrite.WriteRequest req = request(rnd, 1 + rnd.nextInt(200));
            assertEquals(expected(req), read(reader, req));
        }
        assertTrue(cache.hits() > 10 * cache.misses(),
                "repeated series come from the cache: " + cache.hits() + " hits, " + cache.misses() + " misses");
        assertTrue(cache.size() <= 50);
    }

    @Test
    void seriesInScrapeOrderAreFoundAsFollowers() throws Exception {
        SeriesCache cache = new SeriesCache(SeriesCache.defaultBudget());
        WriteRequestReader reader = new WriteRequestReader(cache, WriteRequestReaderTest::make);
        RemoteWrite.WriteRequest req = distinctSeries(request(new SplittableRandom(9), 100));
        for (int round = 0; round < 5; round++) assertEquals(expected(req), read(reader, req));
        // after the first round, only a round's first series needs the map
        assertTrue(cache.hits() > 50, "hits: " + cache.hits());
        assertTrue(cache.followed() >= cache.hits() - 4, "found as followers: " + cache.followed() + " of " + cache.hits() + " hits");
    }

    @Test
    void aTinyCacheInScrapeOrderEvictsAndStillReadsRight() throws Exception {
        SeriesCache cache = new SeriesCache(4096);
        WriteRequestReader reader = new WriteRequestReader(cache, WriteRequestReaderTest::make);
        RemoteWrite.WriteRequest req = distinctSeries(request(new SplittableRandom(10), 100));
        for (int round = 0; round < 5; round++) assertEquals(expected(req), read(reader, req));
        assertTrue(cache.size() < 40, "bounded: " + cache.size());
    }

    /** Each series once, as in one scrape. */
    private static RemoteWrite.WriteRequest distinctSeries(RemoteWrite.WriteRequest req) {
        RemoteWrite.WriteRequest.Builder b = RemoteWrite.WriteRequest.newBuilder();
        java.util.Set<java.util.List<RemoteWrite.Label>> seen = new java.util.HashSet<>();
        for (RemoteWrite.TimeSeries ts : req.getTimeseriesList()) if (seen.add(ts.getLabelsList())) b.addTimeseries(ts);
        return b.build();
    }

    @Test
    void aTinyCacheEvictsAndStillReadsRight() throws Exception {
        SeriesCache cache = new SeriesCache(4096);
        WriteRequestReader reader = new WriteRequestReader(cache, WriteRequestReaderTest::make);
        SplittableRandom rnd = new SplittableRandom(8);
        for (int round = 0; round < 20; round++) {
            RemoteWrite.WriteRequest req = request(rnd, 100);
            assertEquals(expected(req), read(reader, req));
        }
        assertTrue(cache.size() < 40, "bounded: " + cache.size());
    }

    @Test
    void countsHistogramsAndReadsEmptyRequests() throws Exception {
        WriteRequestReader reader = new WriteRequestReader(new SeriesCache(1 << 20), WriteRequestReaderTest::make);
        RemoteWrite.WriteRequest req = RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                .addLabels(label("__name__", "h")).addHistograms(RemoteWrite.Histogram.getDefaultInstance())
                .addHistograms(RemoteWrite.Histogram.getDefaultInstance())).build();
        assertEquals(List.of(), read(reader, req));
        assertEquals(2, reader.decoded().histograms());
        assertEquals(List.of(), read(reader, RemoteWrite.WriteRequest.getDefaultInstance()));
        assertEquals(0, reader.decoded().histograms());
    }

    @Test
    void refusesDamage() {
        WriteRequestReader reader = new WriteRequestReader(new SeriesCache(1 << 20), WriteRequestReaderTest::make);
        assertThrows(InvalidWriteRequestException.class, () -> reader.read(new byte[] {1, 2, 3}, null));
        byte[] noName = RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                .addLabels(label("job", "x")).addSamples(sample(1, 1))).build().toByteArray();
        assertThrows(java.io.IOException.class, () -> reader.read(Snappy.compress(noName), null));
    }
}
