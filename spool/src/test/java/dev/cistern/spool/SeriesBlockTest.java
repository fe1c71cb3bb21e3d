package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesBlockTest {
    private record Sample(Series series, long ts, double value) { }

    private static List<Sample> written(SeriesBlock block) throws IOException {
        List<Sample> out = new ArrayList<>();
        block.writeTo((s, ts, v) -> out.add(new Sample(s, ts, v)));
        return out;
    }

    private static Series series(String node) {
        return Series.of("up", Labels.of("job", "node", "instance", node));
    }

    @Test
    void groupsBySeriesInOrderOfFirstSampleKeepingEachSeriesOrder() throws IOException {
        SeriesBlock block = new SeriesBlock(100, 1 << 20);
        Series a = series("a");
        Series b = series("b");
        Series c = series("c");
        Series[] scrape = {b, a, c};
        for (int t = 0; t < 3; t++) for (Series s : scrape) block.add(s, t, t * 10 + s.labels().value(1).charAt(0));
        List<Sample> out = written(block);
        assertEquals(9, out.size());
        Series[] expected = {b, b, b, a, a, a, c, c, c};
        for (int i = 0; i < 9; i++) {
            assertSame(expected[i], out.get(i).series());
            assertEquals(i % 3, out.get(i).ts());
        }
        assertTrue(block.isEmpty());
    }

    @Test
    void equalSeriesFromDifferentCopiesGoInOneGroup() throws IOException {
        // every HTTP thread keeps its own Series objects: grouping must not depend on which thread decoded a request
        SeriesBlock block = new SeriesBlock(100, 1 << 20);
        block.add(series("a"), 1, 1);
        block.add(series("b"), 1, 2);
        block.add(series("a"), 2, 3);
        List<Sample> out = written(block);
        assertEquals(List.of(1.0, 3.0, 2.0), out.stream().map(Sample::value).toList());
        assertEquals(out.get(0).series(), out.get(1).series(), "written with the group's first copy");
    }

    @Test
    void sameSamplesWriteTheSameRowsWhateverTheCopies() throws IOException {
        SeriesBlock one = new SeriesBlock(1000, 1 << 20);
        SeriesBlock two = new SeriesBlock(1000, 1 << 20);
        Series[] shared = new Series[50];
        for (int i = 0; i < shared.length; i++) shared[i] = series("n" + i);
        for (int t = 0; t < 10; t++) {
            for (int i = 0; i < shared.length; i++) {
                one.add(shared[i], t, i);
                two.add(series("n" + i), t, i); // a fresh copy every time: what a replay decodes
            }
        }
        List<Sample> a = written(one);
        List<Sample> b = written(two);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).series().toString(), b.get(i).series().toString());
            assertEquals(a.get(i).ts(), b.get(i).ts());
            assertEquals(a.get(i).value(), b.get(i).value());
        }
    }

    @Test
    void copiesKnownByIdentityStillGroupByContentAcrossHashCollisionsAndBlocks() throws IOException {
        // "Aa" and "BB" hash alike (as Strings and as bytes): their copies share a probe chain and must not share a group
        assertEquals(series("Aa").hash, series("BB").hash);
        String[] nodes = {"c", "BB", "Aa"};
        Series[][] threads = new Series[3][nodes.length]; // every HTTP thread its own copies
        for (Series[] copies : threads) for (int n = 0; n < nodes.length; n++) copies[n] = series(nodes[n]);
        SeriesBlock block = new SeriesBlock(1000, 1 << 20);
        for (int round = 0; round < 2; round++) { // a second block after writeTo: no copy of the first is remembered
            for (int scrape = 0; scrape < 4; scrape++) {
                Series[] copies = threads[(scrape + round) % threads.length]; // each scrape from another thread
                for (int n = 0; n < nodes.length; n++) block.add(copies[n], scrape, scrape * 10.0 + n);
            }
            List<Sample> out = written(block);
            assertEquals(12, out.size());
            for (int i = 0; i < out.size(); i++) {
                int n = i / 4;
                int scrape = i % 4;
                assertEquals(nodes[n], out.get(i).series().labels().value(1), "row " + i + " of block " + round);
                assertEquals(scrape * 10.0 + n, out.get(i).value(), "row " + i + " of block " + round);
            }
        }
    }

    @Test
    void aFreshCopyForEverySampleIsRememberedOnlyAFewTimes() throws IOException {
        // a series cache over its budget makes a new copy of a series for every request: the copies must not pile up
        SeriesBlock block = new SeriesBlock(65_536, 1L << 30);
        for (int t = 0; t < 65_536; t++) block.add(series("n" + (t % 4)), t, t);
        assertEquals(4 * SeriesBlock.COPIES_KEPT, block.copies());
        List<Sample> out = written(block);
        assertEquals(65_536, out.size());
        for (int i = 0; i < out.size(); i++) assertEquals(i % 16_384 * 4 + i / 16_384, out.get(i).ts(), "row " + i);
    }

    @Test
    void fullByRowsOrByDistinctSeriesBytes() {
        SeriesBlock byRows = new SeriesBlock(4, 1 << 20);
        Series a = series("a");
        for (int i = 0; i < 3; i++) byRows.add(a, i, i);
        assertFalse(byRows.full());
        byRows.add(a, 3, 3);
        assertTrue(byRows.full());

        SeriesBlock byBytes = new SeriesBlock(1000, a.json.length * 2L);
        byBytes.add(a, 0, 0);
        byBytes.add(series("a"), 1, 1); // the same series again costs nothing more
        assertFalse(byBytes.full());
        byBytes.add(series("b"), 0, 0);
        assertTrue(byBytes.full());
    }

    @Test
    void growsPastItsFirstArraysAndTable() throws IOException {
        SeriesBlock block = new SeriesBlock(10_000, 1L << 30);
        for (int t = 0; t < 2; t++) for (int i = 0; i < 5000; i++) block.add(series("n" + i), t, i);
        List<Sample> out = written(block);
        assertEquals(10_000, out.size());
        for (int i = 0; i < 5000; i++) {
            assertEquals(i, out.get(2 * i).value());
            assertEquals(0, out.get(2 * i).ts());
            assertEquals(1, out.get(2 * i + 1).ts());
        }
    }

    @Test
    void emptiedEvenWhenTheWriterFails() {
        SeriesBlock block = new SeriesBlock(100, 1 << 20);
        block.add(series("a"), 1, 1);
        assertThrows(IOException.class, () -> block.writeTo((s, ts, v) -> {
            throw new IOException("disk full");
        }));
        assertTrue(block.isEmpty());
        assertEquals(0, block.estimatedBytes());
    }
}
