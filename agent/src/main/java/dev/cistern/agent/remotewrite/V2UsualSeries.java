package dev.cistern.agent.remotewrite;

/**
 * A Remote-Write 2.0 TimeSeries of the shape Prometheus sends (its packed label refs, then one float
 * sample of the usual shape), read straight from the bytes when its series is known: a repeat in the
 * request ({@link V2SeriesMemo}) or a series cached before ({@link V2SeriesLookup}). Anything else (another
 * shape, a sample outside the limits, a series not known yet) is left to {@link WriteV2Reader}'s
 * general walk, which reads it again and words what is wrong; nothing is changed then.
 */
final class V2UsualSeries {
    private final V2SeriesMemo memo;
    private final V2SeriesLookup lookup;
    private final V2Symbols symbols;
    private final V2Samples samples;

    V2UsualSeries(V2SeriesMemo memo, V2SeriesLookup lookup, V2Symbols symbols, V2Samples samples) {
        this.memo = memo;
        this.lookup = lookup;
        this.symbols = symbols;
        this.samples = samples;
    }

    /** The series of the TimeSeries {@code b[from, to)}, its sample added; or null, nothing added. */
    SeriesCache.Entry read(byte[] b, int from, int to, RemoteWriteRules.Limits limits) {
        int p = from;
        if (to - from < 4 || b[p++] != WriteV2Wire.REFS_PACKED) return null;
        int refsLen = b[p++];
        if (refsLen < 0) { // a two-byte length: up to 16 KiB of refs
            if (b[p] < 0) return null;
            refsLen = refsLen & 0x7f | b[p++] << 7;
        }
        int refsAt = p;
        p += refsLen;
        if (p + 2 > to || b[p] != WriteV2Wire.SERIES_SAMPLES || b[p + 1] < 0 || p + 2 + b[p + 1] != to) return null;
        int first = samples.count;
        long bits = samples.addUsual(b, p + 2, to);
        if (bits == V2Samples.NOT_USUAL) return null;
        if (!limits.passes(samples.ts(first), bits)) {
            samples.count = first;
            return null;
        }
        SeriesCache.Entry e = memo.get(refsAt, refsLen);
        if (e == null) {
            e = lookup.known(b, refsAt, refsLen, symbols);
            if (e == null) {
                samples.count = first;
                return null;
            }
            memo.put(refsAt, refsLen, e);
        }
        return e;
    }
}
