package dev.cistern.agent.remotewrite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds a Remote-Write 2.0 series in the {@link SeriesCache} across requests by its resolved label
 * bytes (refs mean nothing outside their request), and makes it the first time. The key is a
 * 0xff byte, then each label name and value in ref order as its length (a varint) and its bytes.
 */
final class V2SeriesLookup {
    private final SeriesCache cache;
    private final WriteRequestReader.SeriesMaker maker;
    private byte[] key = new byte[256];
    private int keyLen;

    V2SeriesLookup(SeriesCache cache, WriteRequestReader.SeriesMaker maker) {
        this.cache = cache;
        this.maker = maker;
    }

    /** The series of these refs (checked) from the cache, or null; the key stays for {@link #made}. */
    SeriesCache.Entry cached(byte[] b, V2Symbols symbols, V2Symbols.Refs refs) {
        SeriesCache.Entry next = follower(b, symbols, refs);
        if (next != null) return next;
        int size = 1;
        for (int i = 0; i < refs.size; i++) size += 5 + symbols.length((int) refs.get(i));
        if (size > key.length) key = new byte[Math.max(size, key.length * 2)];
        byte[] k = key;
        int p = 0;
        k[p++] = (byte) 0xff; // never the first byte of a 1.0 key (a label field's tag): the caches are shared
        for (int i = 0; i < refs.size; i++) {
            int s = (int) refs.get(i);
            int n = symbols.length(s);
            for (int left = n; ; left >>>= 7) { // the length as a varint: the key is the strings with their lengths, in order
                if (left < 0x80) {
                    k[p++] = (byte) left;
                    break;
                }
                k[p++] = (byte) (left | 0x80);
            }
            System.arraycopy(b, symbols.at(s), k, p, n);
            p += n;
        }
        keyLen = p;
        return cache.get(k, 0, keyLen);
    }

    /**
     * The series expected next (the one that followed the last one found, as a scrape lists its series in the same
     * order each time) if the refs' strings are its key, compared in place: no key made. Else null, nothing changed.
     */
    private SeriesCache.Entry follower(byte[] b, V2Symbols symbols, V2Symbols.Refs refs) {
        byte[] k = cache.followerKey();
        int len = cache.followerLength();
        if (k == null || len < 1 || k[0] != (byte) 0xff) return null;
        int p = 1;
        for (int i = 0; i < refs.size; i++) {
            int s = (int) refs.get(i);
            int n = symbols.length(s);
            for (int left = n; ; left >>>= 7) {
                if (p >= len || k[p++] != (byte) (left < 0x80 ? left : left | 0x80)) return null;
                if (left < 0x80) break;
            }
            if (p + n > len || !Arrays.equals(b, symbols.at(s), symbols.at(s) + n, k, p, p + n)) return null;
            p += n;
        }
        if (p != len) return null;
        SeriesCache.Entry e = cache.follower();
        cache.acceptFollower();
        return e;
    }

    /** Makes the series of the refs {@link #cached} just missed (validated since), and caches it. */
    SeriesCache.Entry made(V2Symbols symbols, V2Symbols.Refs refs) {
        String name = null;
        List<String> kv = new ArrayList<>();
        for (int i = 0; i < refs.size; i += 2) {
            String k = symbols.string((int) refs.get(i));
            String v = symbols.string((int) refs.get(i + 1));
            if (name == null && k.equals("__name__")) {
                name = v;
            } else {
                kv.add(k);
                kv.add(v);
            }
        }
        SeriesCache.Entry e = maker.make(name, LabelOrder.sorted(kv.toArray(new String[0])));
        cache.put(key, 0, keyLen, e);
        return e;
    }
}
