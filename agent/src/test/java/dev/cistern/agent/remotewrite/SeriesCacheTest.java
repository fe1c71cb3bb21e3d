package dev.cistern.agent.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The series cache's bound holds with high cardinality, and its estimate is the heap it really takes. */
class SeriesCacheTest {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** {@code n} series, each unique: one with a 48-character random label (as the fuzz run), or eight short labels. */
    private static byte[] request(SplittableRandom rnd, int n, boolean shortLabels) {
        RemoteWrite.WriteRequest.Builder r = RemoteWrite.WriteRequest.newBuilder();
        for (int i = 0; i < n; i++) {
            RemoteWrite.TimeSeries.Builder ts = RemoteWrite.TimeSeries.newBuilder();
            ts.addLabels(WriteRequestValidatorTest.label("__name__", "cardinality_test"));
            if (shortLabels) {
                for (int l = 0; l < 8; l++) ts.addLabels(WriteRequestValidatorTest.label("l" + l, random(rnd, 4)));
            } else {
                ts.addLabels(WriteRequestValidatorTest.label("blob", random(rnd, 48)));
            }
            r.addTimeseries(ts.addSamples(WriteRequestValidatorTest.sample(1763773200000L + i, i)));
        }
        return r.build().toByteArray();
    }

    private static String random(SplittableRandom rnd, int len) {
        char[] c = new char[len];
        for (int i = 0; i < len; i++) c[i] = ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
        return new String(c);
    }

    @Test
    void twoHundredThousandNewSeriesStayUnderTheBudget() throws Exception {
        SeriesCache cache = new SeriesCache(1 << 20);
        WriteRequestReader reader = new WriteRequestReader(cache, WriteRequestReaderTest::make);
        SplittableRandom rnd = new SplittableRandom(17);
        long before = SeriesCache.heldBytesAll();
        for (int r = 0; r < 100; r++) {
            byte[] b = request(rnd, 2000, r % 2 == 0);
            reader.readDecompressed(b, b.length);
            assertEquals(2000, reader.decoded().seriesCount());
            assertTrue(cache.heldBytes() <= cache.budgetBytes(), "holds " + cache.heldBytes() + " over " + cache.budgetBytes());
        }
        assertTrue(cache.size() > 500 && cache.size() < 2000, "series kept: " + cache.size());
        assertEquals(cache.heldBytes(), SeriesCache.heldBytesAll() - before, "the agent-wide gauge follows the cache");
    }

    @Test
    void aScrapeBiggerThanTheBudgetStillMostlyHits() throws Exception {
        // one node's scrape (957 series, as the k8s corpus) coming round in the same order, with room for 80% of it:
        // least-recently-used alone evicted each series just before it came back, and missed on every one
        byte[] scrape = request(new SplittableRandom(5), 957, true);
        SeriesCache whole = new SeriesCache(1L << 30);
        new WriteRequestReader(whole, WriteRequestReaderTest::make).readDecompressed(scrape, scrape.length);
        SeriesCache cache = new SeriesCache(whole.heldBytes() * 8 / 10);
        WriteRequestReader reader = new WriteRequestReader(cache, WriteRequestReaderTest::make);
        for (int r = 0; r < 20; r++) reader.readDecompressed(scrape, scrape.length);
        long hits = cache.hits();
        long misses = cache.misses();
        for (int r = 0; r < 10; r++) {
            reader.readDecompressed(scrape, scrape.length);
            assertEquals(957, reader.decoded().seriesCount());
            assertTrue(cache.heldBytes() <= cache.budgetBytes(), "holds " + cache.heldBytes() + " over " + cache.budgetBytes());
        }
        double hitRate = (double) (cache.hits() - hits) / (cache.hits() - hits + cache.misses() - misses);
        assertTrue(hitRate > 0.6, "hit rate " + hitRate);
    }

    @Test
    void theEstimateIsTheHeapTheSeriesTake() throws Exception {
        for (boolean shortLabels : new boolean[] {false, true}) {
            SplittableRandom rnd = new SplittableRandom(3);
            List<byte[]> requests = new ArrayList<>();
            for (int r = 0; r < 10; r++) requests.add(request(rnd, 2000, shortLabels));
            SeriesCache cache = new SeriesCache(1L << 30);
            WriteRequestReader reader = new WriteRequestReader(cache, WriteRequestReaderTest::make);
            reader.readDecompressed(requests.get(0), 0); // the reader's own buffers, before measuring
            long before = usedAfterGc();
            for (byte[] b : requests) reader.readDecompressed(b, b.length);
            long measured = usedAfterGc() - before;
            double ratio = (double) cache.heldBytes() / measured;
            System.out.printf("SeriesCacheTest: %s labels: %d series, estimated %d, measured %d bytes (%.2f)%n",
                    shortLabels ? "eight short" : "one long", cache.size(), cache.heldBytes(), measured, ratio);
            assertEquals(20_000, cache.size());
            assertTrue(ratio >= 0.9 && ratio <= 1.6, "estimate " + cache.heldBytes() + " against " + measured + " measured");
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, m.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
