package dev.cistern.spool;

/**
 * What a row puts between its series' head and its value: the timestamp's digits and the value's field name,
 * formatted once for each of the last timestamps seen. Rows grouped by series ({@link SeriesBlock}) take turns
 * among a block's scrape times (about 70), so remembering only the previous timestamp missed on almost every row,
 * and formatting the digits was a twentieth of a sealer lane.
 */
final class TimestampFields {
    private static final byte[] VALUE_FIELD = ",\"value\":".getBytes();
    /**
     * Direct-mapped by the timestamp's hash: a collision only costs formatting again, but two timestamps of one block
     * that share a slot miss on every row of every series. With 256 slots a block of the k8s load (70-190 scrape times)
     * had about half its timestamps in shared slots; with 2,048 a tenth or less (80 KiB a shard).
     */
    static final int SLOTS = 2048;
    /** Digits of a long (at most 20) and the value's field name fit. */
    private static final int WIDTH = 32;

    private final long[] timestamps = new long[SLOTS];
    private final byte[] lengths = new byte[SLOTS]; // 0: the slot holds nothing
    private final byte[] fields = new byte[SLOTS * WIDTH];
    private final RowBuffer scratch = new RowBuffer(WIDTH);

    /** Appends {@code ts}' digits and {@code ,"value":} to {@code out}. */
    void writeTo(RowBuffer out, long ts) {
        int slot = slot(ts);
        int len = lengths[slot];
        if (len == 0 || timestamps[slot] != ts) {
            scratch.clear();
            scratch.putLong(ts);
            scratch.put(VALUE_FIELD);
            len = scratch.size();
            System.arraycopy(scratch.array(), 0, fields, slot * WIDTH, len);
            timestamps[slot] = ts;
            lengths[slot] = (byte) len;
        }
        out.write(fields, slot * WIDTH, len);
    }

    /** Fibonacci hashing: the top bits of the product, so timestamps a scrape interval apart spread over every slot. */
    static int slot(long ts) {
        return (int) ((ts * 0x9E3779B97F4A7C15L) >>> (64 - Integer.numberOfTrailingZeros(SLOTS)));
    }
}
