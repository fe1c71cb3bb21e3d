package dev.cistern.agent.remotewrite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a Remote-Write 2.0 series in the {@link SeriesCache} across requests by the ids of its refs'
 * symbols ({@link V2SymbolIds}; refs mean nothing outside their request, ids never mean other bytes),
 * and makes it the first time. The key is a 0xfe byte, then each label name's and value's id in ref
 * order as a varint: a few bytes a label, however long its strings, and no label byte touched.
 */
final class V2SeriesLookup {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte MARK = (byte) 0xfe; // never the first byte of a 1.0 key (a label field's tag): the caches are shared

    private final SeriesCache cache;
    private final WriteRequestReader.SeriesMaker maker;
    private byte[] key = new byte[256];
    private boolean looked;

    V2SeriesLookup(SeriesCache cache, WriteRequestReader.SeriesMaker maker) {
        this.cache = cache;
        this.maker = maker;
    }

    /**
     * The cached series of the packed refs {@code b[from, from + n)}, read and checked on the way (in range, in pairs,
     * no empty name), or null: not cached, or anything irregular, which the caller's general walk words.
     */
    SeriesCache.Entry known(byte[] b, int from, int n, V2Symbols symbols) {
        looked = false;
        if (8 + 10 * n > key.length) key = new byte[Math.max(8 + 10 * n, key.length * 2)]; // 8: the last store's slack
        byte[] k = key;
        int p = 0;
        k[p++] = MARK;
        int symbolCount = symbols.count();
        int refs = 0;
        for (int q = from, end = from + n; q < end; refs++) {
            long ref = b[q++];
            if (ref < 0) { // a longer varint: up to 5 bytes here, anything longer goes the general way
                ref &= 0x7f;
                for (int shift = 7; ; shift += 7) {
                    if (q == end || shift == 35) return null;
                    byte x = b[q++];
                    ref |= (long) (x & 0x7f) << shift;
                    if (x >= 0) break;
                }
            }
            if (ref >= symbolCount) return null;
            long c = symbols.code((int) ref);
            if ((c & V2Symbols.LONG_ID) != 0 || (refs & 1) == 0 && (c & V2Symbols.EMPTY) != 0) return null;
            LONGS.set(k, p, c & 0xFFFF_FFFF_FFFFL); // the id's varint bytes, and zeros the next ones overwrite
            p += (int) (c >>> 56) & 0xf;
        }
        if ((refs & 1) != 0) return null;
        looked = true;
        return cache.get(k, 0, p);
    }

    /** Whether the last {@link #known} looked in the cache (its null: not cached), rather than giving up on something irregular. */
    boolean looked() {
        return looked;
    }

    /** The cached series of these refs (checked), or null. */
    SeriesCache.Entry cached(V2Symbols symbols, V2Symbols.Refs refs) {
        return cache.get(key, 0, key(symbols, refs));
    }

    /** Makes the series of these refs (checked, its labels validated), and caches it. */
    SeriesCache.Entry made(V2Symbols symbols, V2Symbols.Refs refs) {
        String name = null;
        List<String> kv = new ArrayList<>();
        int labelBytes = 0;
        for (int i = 0; i < refs.size; i += 2) {
            String k = symbols.string((int) refs.get(i));
            String v = symbols.string((int) refs.get(i + 1));
            labelBytes += symbols.length((int) refs.get(i)) + symbols.length((int) refs.get(i + 1));
            if (name == null && k.equals("__name__")) {
                name = v;
            } else {
                kv.add(k);
                kv.add(v);
            }
        }
        SeriesCache.Entry e = maker.make(name, LabelOrder.sorted(kv.toArray(new String[0])));
        int len = key(symbols, refs);
        cache.put(key, 0, len, e, SeriesCache.cost(len, labelBytes, refs.size / 2));
        return e;
    }

    private int key(V2Symbols symbols, V2Symbols.Refs refs) {
        if (1 + 10 * refs.size > key.length) key = new byte[Math.max(1 + 10 * refs.size, key.length * 2)];
        int p = 0;
        key[p++] = MARK;
        for (int i = 0; i < refs.size; i++) p = varint(key, p, symbols.id((int) refs.get(i)));
        return p;
    }

    private static int varint(byte[] k, int p, long v) {
        while ((v & ~0x7fL) != 0) {
            k[p++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        k[p++] = (byte) v;
        return p;
    }
}
