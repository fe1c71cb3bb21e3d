package dev.cistern.spool;

import java.io.IOException;
import java.util.Arrays;

/**
 * Samples held back from the encoder so that each series' rows reach it together. A scrape repeats every
 * series once, so in arrival order a series' labels recur a whole scrape back (about 0.5 MB on a k8s node),
 * beyond what a fast compressor's match finder looks at; grouped, they recur one row back. On the k8s corpus,
 * Brotli quality 1 then stores 12.7 instead of 22.6 bytes a row, in less CPU (docs/benchmarks.md, "Rows
 * grouped by series").
 *
 * <p>Groups follow each series' first sample in the block and samples keep their order within a group, so what
 * a block writes depends only on what was added to it, never on timing. Series are told apart by their JSON,
 * not by identity: every HTTP thread keeps its own copy of a series; each copy is compared once, then known by
 * identity. A block holds per sample a group number, a timestamp and a value (20 bytes, and 16 to sort them), per
 * copy 20 bytes, and one {@link Series} per group: at most {@code maxRows} samples and {@code maxSeriesBytes} of
 * distinct series JSON.
 */
final class SeriesBlock {

    /** Where {@link #writeTo} sends the samples, group by group. */
    @FunctionalInterface
    interface Rows {
        void row(Series series, long ts, double value) throws IOException;
    }

    /**
     * Rows a shard holds back by default: 65,536, about 70 scrapes of a k8s node (Brotli quality 1: 11.0 bytes a row,
     * against 12.7 at 32,768 and 9.9 for a whole segment of 136,000), for 2.3 MiB of arrays.
     */
    static final int DEFAULT_ROWS = 1 << 16;
    /** What a row adds to its series' JSON, for the estimate: the timestamp, the value and their field names. */
    private static final int ROW_EXTRA_BYTES = 32;
    /** Copies of one series a block remembers; more are compared by JSON, as every copy was before. */
    static final int COPIES_KEPT = 8;

    private final int maxRows;
    private final long maxSeriesBytes;

    private int size;
    private int[] groupOf = new int[0];
    private long[] ts = new long[0];
    private double[] values = new double[0];

    private int groups;
    private Series[] groupSeries = new Series[0];
    private int[] groupCopies = new int[0];
    private int[] groupStart = new int[0];
    /** The samples' timestamps and values in writing order, group by group: written out in one sequential pass. */
    private long[] sortedTs = new long[0];
    private double[] sortedValues = new double[0];
    /**
     * Copies of a series seen in the block, with their group: a copy seen before is found by identity, without
     * reading its JSON (each HTTP thread sends its own copy, and comparing them byte by byte was a tenth of a lane).
     * At most {@link #COPIES_KEPT} a group: the copies of a series share a probe chain, and a cache over its budget
     * makes a new copy for every request, which would make that chain as long as the block.
     */
    private int copies;
    private Series[] copySeries = new Series[0];
    private int[] copyGroup = new int[0];
    /** Open addressing by the series' hash: copy + 1 in each used slot. */
    private int[] slots = new int[0];
    private long seriesBytes;
    private long rowBytes;

    SeriesBlock(int maxRows, long maxSeriesBytes) {
        if (maxRows < 1) throw new IllegalArgumentException("maxRows must be positive, was " + maxRows);
        this.maxRows = maxRows;
        this.maxSeriesBytes = maxSeriesBytes;
    }

    int size() { return size; }
    int copies() { return copies; }
    boolean isEmpty() { return size == 0; }

    /** The bytes its rows will take when written, near enough to rotate a segment by size. */
    long estimatedBytes() { return rowBytes; }

    /** True once it should be written out: full of rows, or of distinct series. */
    boolean full() {
        return size >= maxRows || seriesBytes >= maxSeriesBytes;
    }

    void add(Series series, long timestamp, double value) {
        if (size == groupOf.length) grow();
        if (groups == groupSeries.length) growGroups();
        if (copies == copySeries.length) growCopies();
        int g = group(series);
        groupOf[size] = g;
        ts[size] = timestamp;
        values[size] = value;
        size++;
        rowBytes += series.jsonLength + ROW_EXTRA_BYTES;
    }

    /** Sends every sample to {@code out}, group by group, and empties the block (also when {@code out} throws). */
    void writeTo(Rows out) throws IOException {
        try {
            if (size == 0) return;
            sort();
            int p = 0;
            for (int g = 0; g < groups; g++) {
                Series series = groupSeries[g];
                for (int end = groupStart[g]; p < end; p++) out.row(series, sortedTs[p], sortedValues[p]);
            }
        } finally {
            clear();
        }
    }

    /** Forgets every sample without writing it (the segment was given up; the journal replays them). */
    void clear() {
        Arrays.fill(groupSeries, 0, groups, null); // no series stays pinned by a block that is done
        Arrays.fill(copySeries, 0, copies, null);
        if (copies > 0) Arrays.fill(slots, 0);
        size = 0;
        groups = 0;
        copies = 0;
        seriesBytes = 0;
        rowBytes = 0;
    }

    /**
     * A counting sort by group into {@link #sortedTs} and {@link #sortedValues}; after it, {@code groupStart[g]} is
     * where group {@code g} ends. Each group's samples are a scrape apart in arrival order: gathered by position, each
     * read missed the CPU's caches; scattered here, the writes go to one place a group.
     */
    private void sort() {
        int[] start = groupStart;
        Arrays.fill(start, 0, groups + 1, 0);
        for (int i = 0; i < size; i++) start[groupOf[i] + 1]++;
        for (int g = 0; g < groups; g++) start[g + 1] += start[g];
        for (int i = 0; i < size; i++) {
            int p = start[groupOf[i]]++;
            sortedTs[p] = ts[i];
            sortedValues[p] = values[i];
        }
    }

    /** The group of {@code s}: by identity among the copies seen, else by JSON; a new copy is remembered. */
    private int group(Series s) {
        int mask = slots.length - 1;
        int h = s.hash;
        int slot = h & mask;
        for (int used; (used = slots[slot]) != 0; slot = (slot + 1) & mask) {
            if (copySeries[used - 1] == s) return copyGroup[used - 1];
        }
        int free = slot;
        int g = -1;
        for (slot = h & mask; slot != free; slot = (slot + 1) & mask) {
            Series known = copySeries[slots[slot] - 1];
            if (known.hash == h && Arrays.equals(known.json, s.json)) {
                g = copyGroup[slots[slot] - 1];
                break;
            }
        }
        if (g < 0) {
            g = groups++;
            groupSeries[g] = s;
            groupCopies[g] = 0;
            seriesBytes += s.jsonLength;
        }
        if (groupCopies[g] == COPIES_KEPT) return g;
        groupCopies[g]++;
        copySeries[copies] = s;
        copyGroup[copies] = g;
        slots[free] = ++copies;
        return g;
    }

    /** Doubles the arrays of samples, from 1,024 up to maxRows. */
    private void grow() {
        int cap = Math.min(maxRows, Math.max(1024, groupOf.length * 2));
        if (cap <= groupOf.length) cap = groupOf.length + 1; // add() past full(): the caller writes it out next
        groupOf = Arrays.copyOf(groupOf, cap);
        ts = Arrays.copyOf(ts, cap);
        values = Arrays.copyOf(values, cap);
        sortedTs = new long[cap];
        sortedValues = new double[cap];
    }

    /** Doubles the arrays of groups. */
    private void growGroups() {
        int cap = Math.max(256, groupSeries.length * 2);
        groupSeries = Arrays.copyOf(groupSeries, cap);
        groupCopies = Arrays.copyOf(groupCopies, cap);
        groupStart = new int[cap + 1];
    }

    /** Doubles the arrays of copies (at most one a sample, and {@link #COPIES_KEPT} a group); the table stays at most half full. */
    private void growCopies() {
        int cap = Math.max(256, copySeries.length * 2);
        copySeries = Arrays.copyOf(copySeries, cap);
        copyGroup = Arrays.copyOf(copyGroup, cap);
        slots = new int[cap * 2];
        int mask = slots.length - 1;
        for (int c = 0; c < copies; c++) {
            int slot = copySeries[c].hash & mask;
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = c + 1;
        }
    }
}
