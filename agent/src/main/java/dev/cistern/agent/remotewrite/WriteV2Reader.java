package dev.cistern.agent.remotewrite;

import static dev.cistern.agent.remotewrite.WriteV2Wire.*;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Validates and decodes a decompressed Remote-Write 2.0 Request in one walk per series, without
 * message objects: the symbols table first (wherever its fields are), then each TimeSeries, its
 * label refs resolved against the table. A series is found by its refs if it came earlier in the request
 * ({@link V2SeriesMemo}; Prometheus sends one TimeSeries per sample), else in the {@link SeriesCache} by
 * its symbols' ids ({@link V2SeriesLookup}), the usual shape read straight from the bytes ({@link V2UsualSeries}); only
 * a series found in neither has its labels checked against the rules and decoded into strings, so a known series costs
 * no string and no allocation. It accepts what the generated parser accepts, plus the agent's rules:
 * symbols[0] empty, refs in range and in pairs, no empty label name, a {@code __name__} on a series
 * with anything to store, valid histograms ({@link HistogramReader}), and the {@link RemoteWriteRules}
 * as for 1.0. What the rules drop is noted in {@link #drops()}: the caller rewrites the body and reads it again.
 */
final class WriteV2Reader {
    private static final byte[] NAME_LABEL = "__name__".getBytes(StandardCharsets.US_ASCII);
    private static final int DESCRIBE_CHARS = 200;

    private final V2SeriesLookup lookup;
    private final V2Symbols symbols;
    private final V2Symbols.Refs refs = new V2Symbols.Refs();
    private final V2Symbols.Refs exemplarRefs = new V2Symbols.Refs();
    private final V2SeriesMemo memo = new V2SeriesMemo();
    private final HistogramReader histograms = new HistogramReader();
    private final SeriesLabels labels = new SeriesLabels();
    private final ExtraRows extras = new ExtraRows();
    private final List<SeriesCache.Entry> series = new ArrayList<>();
    private int[] sampleEnd = new int[256];
    private final V2Samples samples = new V2Samples();
    private final V2UsualSeries usual;
    private byte[] b;
    private CodedInputStream in;
    private RemoteWriteRules rules;
    private RemoteWriteRules.Limits limits;
    private Drops drops;

    WriteV2Reader(SeriesCache cache, WriteRequestReader.SeriesMaker maker) {
        this.lookup = new V2SeriesLookup(cache, maker);
        this.symbols = new V2Symbols(new V2SymbolIds(cache.budgetBytes() / 8)); // symbols are shared by series: a fraction
        this.usual = new V2UsualSeries(memo, lookup, symbols, samples);
    }

    /**
     * Reads {@code b[0, end)}; every problem not dropped by {@code rules} is an {@link InvalidWriteRequestException}.
     * The rows it hands out are charged to {@code charge} first, as 1.0's are (null: nothing; it may throw to refuse).
     */
    DecodedRequest read(byte[] b, int end, RemoteWriteRules rules, RemoteWriteRules.Limits limits, LongConsumer charge) {
        this.b = b;
        this.rules = rules;
        this.limits = limits;
        drops = null;
        series.clear();
        samples.count = 0;
        extras.reset();
        symbols.clear(b);
        memo.clear(b);
        try {
            symbols.addAll(b, end);
            symbols.checkFirst();
            in = CodedInputStream.newInstance(b, 0, end); // for what is not the usual shape; only ever skipped forward
            int index = 0;
            for (int p = 0; p < end; ) { // the usual TimeSeries fields stepped over in the bytes, the rest read by the stream
                long field = b[p] == REQUEST_TIMESERIES ? lengthAt(b, p + 1, end) : -1;
                int at = (int) field;
                int n = (int) (field >>> 32);
                SeriesCache.Entry e = field < 0 ? null : usual.read(b, at, at + n, limits);
                if (e != null) {
                    added(e, samples.ts(samples.count - 1));
                    p = at + n;
                    index++;
                    continue;
                }
                in.skipRawBytes(p - in.getTotalBytesRead());
                int tag = in.readTag();
                if (tag == REQUEST_TIMESERIES) {
                    int limit = WriteRequestWire.enter(in, end);
                    timeSeries(index++);
                    in.popLimit(limit);
                } else {
                    WriteRequestWire.skip(in, tag);
                }
                p = in.getTotalBytesRead();
            }
        } catch (IOException e) {
            throw InvalidWriteRequestException.malformed("malformed_protobuf",
                    "body is not a Remote-Write 2.0 io.prometheus.write.v2.Request: " + e.getMessage());
        }
        if (charge != null) {
            charge.accept((long) WriteRequestReader.SAMPLE_BYTES * samples.count + (long) WriteRequestReader.SERIES_BYTES * series.size());
        }
        return new DecodedRequest(series.toArray(new SeriesCache.Entry[0]), Arrays.copyOf(sampleEnd, series.size()),
                samples.timestampsCopy(), samples.valuesCopy(), extras);
    }

    /** What the drop policies take out of the last request read, or null. */
    Drops drops() {
        return drops;
    }

    // over 60 lines: one walk over a TimeSeries' fields, then its checks in the order the 400s are worded
    private void timeSeries(int index) throws IOException {
        refs.clear();
        int packedAt = -1; // the refs when they are one packed field (the usual), not decoded yet: the memo's key
        int packedLen = 0;
        int first = samples.count;
        long count = 0;
        long hcount = 0;
        long exemplars = 0;
        boolean meta = false;
        int type = 0;
        long helpRef = 0;
        long unitRef = 0;
        long created = 0;
        RemoteWriteRule sampleRule = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == REFS_PACKED && refs.size == 0 && packedAt < 0) {
                packedLen = WriteRequestWire.length(in, in.getTotalBytesRead() + in.getBytesUntilLimit());
                packedAt = in.getTotalBytesRead();
                in.skipRawBytes(packedLen);
            } else if (tag == REFS_PACKED || tag == REFS_ONE) {
                if (packedAt >= 0) refs.decode(b, packedAt, packedLen); // refs fields add up, in order
                packedAt = -1;
                refs.read(in, tag == REFS_PACKED);
            } else if (tag == SERIES_SAMPLES || tag == SERIES_HISTOGRAMS) {
                boolean h = tag == SERIES_HISTOGRAMS;
                int n = WriteRequestWire.length(in, in.getTotalBytesRead() + in.getBytesUntilLimit());
                int at = in.getTotalBytesRead();
                long ts;
                long bits;
                int limit = -1;
                if (!h && (bits = samples.addUsual(b, at, at + n)) != V2Samples.NOT_USUAL) {
                    ts = samples.ts(samples.count - 1);
                    in.skipRawBytes(n);
                } else if (h) {
                    limit = in.pushLimit(n);
                    NativeHistogram hist = histograms.read(in, index);
                    extras.histogram(hist);
                    ts = hist.ts();
                    bits = Double.doubleToRawLongBits(hist.sum());
                } else {
                    limit = in.pushLimit(n);
                    bits = 0;
                    ts = 0;
                    int t;
                    while ((t = in.readTag()) != 0) {
                        if (t == SAMPLE_VALUE) bits = in.readRawLittleEndian64();
                        else if (t == SAMPLE_TIMESTAMP) ts = in.readInt64();
                        else WriteRequestWire.skip(in, t);
                    }
                    samples.add(ts, Double.longBitsToDouble(bits));
                }
                if (limit != -1) in.popLimit(limit);
                RemoteWriteRule broken = breach(ts, bits);
                if (broken != null) {
                    if (broken != RemoteWriteRule.STALE_MARKER && !rules.dropOutOfWindow()) {
                        sampleRule = sampleRule == null ? broken : sampleRule;
                    } else {
                        dropping().sample(index, (int) (h ? hcount : count), h, broken);
                    }
                }
                if (h) hcount++;
                else count++;
            } else if (tag == SERIES_EXEMPLARS) {
                int limit = in.pushLimit(in.readRawVarint32());
                exemplar(index, exemplars++);
                in.popLimit(limit);
            } else if (tag == SERIES_METADATA) {
                int limit = in.pushLimit(in.readRawVarint32());
                meta = true;
                int t;
                while ((t = in.readTag()) != 0) { // a message field sent twice merges: later fields win
                    if (t == METADATA_TYPE) type = in.readEnum();
                    else if (t == METADATA_HELP) helpRef = Integer.toUnsignedLong(in.readUInt32());
                    else if (t == METADATA_UNIT) unitRef = Integer.toUnsignedLong(in.readUInt32());
                    else WriteRequestWire.skip(in, t);
                }
                in.popLimit(limit);
            } else if (tag == SERIES_CREATED) {
                created = in.readInt64();
            } else {
                WriteRequestWire.skip(in, tag);
            }
        }
        // a repeat in this request by its refs bytes (checked the first time), else a series seen before by its symbols' ids
        SeriesCache.Entry e = packedAt >= 0 ? memo.get(packedAt, packedLen) : null;
        boolean remembered = e != null;
        boolean anything = count + hcount + exemplars > 0 || meta || created != 0;
        boolean looked = false;
        if (!remembered && packedAt >= 0 && anything) {
            e = lookup.known(b, packedAt, packedLen, symbols); // its refs checked on the way
            looked = lookup.looked();
        }
        if (e == null) {
            if (packedAt >= 0) refs.decode(b, packedAt, packedLen);
            symbols.checkLabels(refs, index, -1);
        }
        if (meta) {
            if (!symbols.has(helpRef)) symbols.check(helpRef, V2Symbols.where(index, -1) + " metadata help_ref");
            if (!symbols.has(unitRef)) symbols.check(unitRef, V2Symbols.where(index, -1) + " metadata unit_ref");
        }
        if (!anything) return;
        if (e == null && !looked) e = lookup.cached(symbols, refs); // a series is only cached once valid
        if (e == null) {
            if (!named()) {
                throw InvalidWriteRequestException.malformed("invalid_labels", V2Symbols.where(index, -1) + " has no __name__ label");
            }
            SeriesLabels.Breach breach = labels.check(b);
            if (breach != null) {
                if (!rules.dropInvalidSeries()) throw refused(breach.rule(), index, breach.detail());
                dropping().series(index, breach.rule(), count + hcount);
                return; // its rows are read again from the rewritten body, without it
            }
        }
        if (sampleRule != null && refs.size == 0 && packedAt >= 0) refs.decode(b, packedAt, packedLen); // to name it
        if (sampleRule != null) throw refused(sampleRule, index, sampleRule == RemoteWriteRule.TIMESTAMP_TOO_OLD
                ? "a sample is older than " + limits.minTs() + " ms (ingest.remote_write.max_age)"
                : "a sample is later than " + limits.maxTs() + " ms (ingest.remote_write.max_future)");
        if (e == null) e = lookup.made(symbols, refs);
        if (!remembered && packedAt >= 0) memo.put(packedAt, packedLen, e);
        long latest = ExtraRow.NO_TS;
        for (int k = first; k < samples.count; k++) latest = latest == ExtraRow.NO_TS ? samples.ts(k) : Math.max(latest, samples.ts(k));
        latest = extras.latestHistogram(latest);
        if (meta || created != 0) {
            extras.metadata(latest, new ExtraRow.Metadata(type, symbols.string((int) helpRef), symbols.string((int) unitRef), created));
        }
        added(e, latest);
    }

    /** The series read is {@code e}, its samples up to now; its latest sample or histogram is at {@code latest}. */
    private void added(SeriesCache.Entry e, long latest) {
        series.add(e);
        if (series.size() > sampleEnd.length) sampleEnd = Arrays.copyOf(sampleEnd, sampleEnd.length * 2);
        sampleEnd[series.size() - 1] = samples.count;
        extras.endSeries(e, latest);
    }

    private RemoteWriteRule breach(long ts, long bits) {
        if (ts < limits.minTs()) return RemoteWriteRule.TIMESTAMP_TOO_OLD;
        if (ts > limits.maxTs()) return RemoteWriteRule.TIMESTAMP_TOO_NEW;
        return limits.refuseStale() && bits == RemoteWriteRules.STALE_NAN ? RemoteWriteRule.STALE_MARKER : null;
    }

    private void exemplar(int series, long exemplar) throws IOException {
        exemplarRefs.clear();
        double value = 0;
        long ts = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == REFS_PACKED || tag == REFS_ONE) exemplarRefs.read(in, tag == REFS_PACKED);
            else if (tag == EXEMPLAR_VALUE) value = in.readDouble();
            else if (tag == EXEMPLAR_TIMESTAMP) ts = in.readInt64();
            else WriteRequestWire.skip(in, tag);
        }
        symbols.checkLabels(exemplarRefs, series, exemplar);
        String[] kv = new String[exemplarRefs.size];
        for (int i = 0; i < kv.length; i++) kv[i] = symbols.string((int) exemplarRefs.get(i));
        extras.exemplar(ts, value, kv);
    }

    /** Whether the series has a non-empty {@code __name__}; notes its labels for the rules on the way. */
    private boolean named() {
        labels.clear();
        boolean named = false;
        for (int i = 0; i < refs.size; i += 2) {
            int k = (int) refs.get(i);
            int v = (int) refs.get(i + 1);
            labels.add(symbols.at(k), symbols.length(k), symbols.at(v), symbols.length(v));
            named |= symbols.length(v) > 0 && symbols.equals(k, NAME_LABEL);
        }
        return named;
    }

    private Drops dropping() {
        if (drops == null) drops = new Drops();
        return drops;
    }

    private InvalidWriteRequestException refused(RemoteWriteRule rule, int index, String detail) {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i + 1 < refs.size && s.length() < DESCRIBE_CHARS; i += 2) {
            if (i > 0) s.append(", ");
            s.append(symbols.string((int) refs.get(i))).append("=\"").append(symbols.string((int) refs.get(i + 1))).append('"');
        }
        if (s.length() > DESCRIBE_CHARS) s.setLength(DESCRIBE_CHARS);
        s.append(s.length() >= DESCRIBE_CHARS ? "...}" : "}");
        return InvalidWriteRequestException.malformed(rule.reason(), "series " + index + " " + s + ": " + detail);
    }
}
