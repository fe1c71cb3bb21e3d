package dev.cistern.agent.remotewrite;

import java.util.Arrays;

/**
 * Remote-Write 2.0 symbols interned across requests: each distinct symbol (its bytes) gets an id that
 * no other bytes ever get, so a series can be keyed by the ids of its refs ({@link V2SeriesLookup}), and a
 * symbol seen before costs a hash and a compare instead of a UTF-8 check (its bytes were valid the first time).
 * Ids only grow: when the table is over its budget it forgets every symbol and the same bytes get a new id
 * later, so a series key made before can no longer match (the series is found again by a miss, never wrongly).
 * Open addressing over an arena of the symbols' bytes; not thread-safe (one per reader, so one per thread).
 */
final class V2SymbolIds {
    /** Not a symbol's id: its bytes are not valid UTF-8. */
    static final long INVALID = -1;
    /** The arrays per symbol (slot, hash, offset, length, id) and the map's share of the arena. */
    private static final int PER_SYMBOL = 40;
    private static final int INITIAL = 256;

    private final long budgetBytes;
    private byte[] arena = new byte[16 * INITIAL];
    private int arenaLen;
    private int[] slots = new int[2 * INITIAL]; // symbol number + 1, 0 empty
    private int[] hashes = new int[INITIAL];
    private int[] at = new int[INITIAL];
    private int[] len = new int[INITIAL];
    private long[] ids = new long[INITIAL];
    private int count;
    private long nextId;

    V2SymbolIds(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** The id of the symbol {@code b[from, from + n)}, interned now if new; {@link #INVALID} if it is not valid UTF-8. */
    long id(byte[] b, int from, int n) {
        int h = V2SeriesMemo.hash(b, from, n);
        int mask = slots.length - 1;
        for (int i = h & mask; slots[i] != 0; i = (i + 1) & mask) {
            int s = slots[i] - 1;
            if (hashes[s] == h && len[s] == n && Arrays.equals(arena, at[s], at[s] + n, b, from, from + n)) return ids[s];
        }
        if (!Utf8Validation.isValid(b, from, n)) return INVALID;
        long id = add(b, from, n, h);
        if (heldBytes() > budgetBytes) forget(); // the id stays this symbol's: only it is not found again
        return id;
    }

    private long add(byte[] b, int from, int n, int h) {
        if (count == ids.length) grow();
        if (arenaLen + n > arena.length) arena = Arrays.copyOf(arena, Math.max(arenaLen + n, 2 * arena.length));
        System.arraycopy(b, from, arena, arenaLen, n);
        hashes[count] = h;
        at[count] = arenaLen;
        len[count] = n;
        ids[count] = nextId++;
        arenaLen += n;
        place(count, h);
        return ids[count++];
    }

    long heldBytes() {
        return arena.length + (long) PER_SYMBOL * ids.length;
    }

    int size() {
        return count;
    }

    /** Every symbol forgotten, the arrays back to their first size; ids go on from where they were. */
    private void forget() {
        arena = new byte[16 * INITIAL];
        arenaLen = 0;
        slots = new int[2 * INITIAL];
        hashes = new int[INITIAL];
        at = new int[INITIAL];
        len = new int[INITIAL];
        ids = new long[INITIAL];
        count = 0;
    }

    private void place(int s, int h) {
        int mask = slots.length - 1;
        int i = h & mask;
        while (slots[i] != 0) i = (i + 1) & mask;
        slots[i] = s + 1;
    }

    /** Twice the symbols, and slots kept at most half full. */
    private void grow() {
        int n = ids.length * 2;
        hashes = Arrays.copyOf(hashes, n);
        at = Arrays.copyOf(at, n);
        len = Arrays.copyOf(len, n);
        ids = Arrays.copyOf(ids, n);
        slots = new int[2 * n];
        for (int s = 0; s < count; s++) place(s, hashes[s]);
    }
}
