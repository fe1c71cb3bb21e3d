package dev.cistern.agent.remotewrite;

import static dev.cistern.agent.remotewrite.WriteV2Wire.*;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Validates and decodes a decompressed Remote-Write 2.0 Request in one walk per series, without
 * message objects: the symbols table first (wherever its fields are), then each TimeSeries, its
 * label refs resolved against the table and its series found in the {@link SeriesCache} by the
 * resolved label bytes. It accepts what the generated parser accepts, plus the agent's rules:
 * symbols[0] empty, refs in range and in pairs, no empty label name, a {@code __name__} on a series
 * with anything to store, valid histograms ({@link HistogramReader}), and the {@link RemoteWriteRules}
 * as for 1.0. What the rules drop is noted in {@link #drops()}: the caller rewrites the body and reads it again.
 */
final class WriteV2Reader {
    private static final byte[] NAME_LABEL = "__name__".getBytes(StandardCharsets.US_ASCII);
    private static final int DESCRIBE_CHARS = 200;

    private final SeriesCache cache;
    private final WriteRequestReader.SeriesMaker maker;
    private final V2Symbols symbols = new V2Symbols();
    private final V2Symbols.Refs refs = new V2Symbols.Refs();
    private final V2Symbols.Refs exemplarRefs = new V2Symbols.Refs();
    private final HistogramReader histograms = new HistogramReader();
    private final SeriesLabels labels = new SeriesLabels();
    private final ExtraRows extras = new ExtraRows();
    private final List<SeriesCache.Entry> series = new ArrayList<>();
    private int[] sampleEnd = new int[256];
    private long[] timestamps = new long[1024];
    private double[] values = new double[1024];
    private int sampleCount;
    private byte[] key = new byte[256];
    private int keyLen;
    private byte[] b;
    private CodedInputStream in;
    private RemoteWriteRules rules;
    private RemoteWriteRules.Limits limits;
    private Drops drops;

    WriteV2Reader(SeriesCache cache, WriteRequestReader.SeriesMaker maker) {
        this.cache = cache;
        this.maker = maker;
    }

    /** Reads {@code b[0, end)}; every problem not dropped by {@code rules} is an {@link InvalidWriteRequestException}. */
    DecodedRequest read(byte[] b, int end, RemoteWriteRules rules, RemoteWriteRules.Limits limits) {
        this.b = b;
        this.rules = rules;
        this.limits = limits;
        drops = null;
        series.clear();
        sampleCount = 0;
        extras.reset();
        symbols.clear(b);
        try {
            in = CodedInputStream.newInstance(b, 0, end);
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == REQUEST_SYMBOLS) symbols.add(in, end);
                else WriteRequestWire.skip(in, tag);
            }
            symbols.checkFirst();
            in = CodedInputStream.newInstance(b, 0, end);
            int index = 0;
            while ((tag = in.readTag()) != 0) {
                if (tag != REQUEST_TIMESERIES) {
                    WriteRequestWire.skip(in, tag);
                    continue;
                }
                int limit = WriteRequestWire.enter(in, end);
                timeSeries(index++);
                in.popLimit(limit);
            }
        } catch (IOException e) {
            throw InvalidWriteRequestException.malformed("malformed_protobuf",
                    "body is not a Remote-Write 2.0 io.prometheus.write.v2.Request: " + e.getMessage());
        }
        return new DecodedRequest(series.toArray(new SeriesCache.Entry[0]), Arrays.copyOf(sampleEnd, series.size()),
                Arrays.copyOf(timestamps, sampleCount), Arrays.copyOf(values, sampleCount), extras);
    }

    /** What the drop policies take out of the last request read, or null. */
    Drops drops() {
        return drops;
    }

    // over 60 lines: one walk over a TimeSeries' fields, then its checks in the order the 400s are worded
    private void timeSeries(int index) throws IOException {
        refs.clear();
        int first = sampleCount;
        long count = 0;
        long hcount = 0;
        long exemplars = 0;
        boolean meta = false;
        int type = 0;
        long helpRef = 0;
        long unitRef = 0;
        long created = 0;
        RemoteWriteRule sampleRule = null;
        String what = "series " + index;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == REFS_PACKED || tag == REFS_ONE) {
                refs.read(in, tag == REFS_PACKED);
            } else if (tag == SERIES_SAMPLES || tag == SERIES_HISTOGRAMS) {
                boolean h = tag == SERIES_HISTOGRAMS;
                int limit = in.pushLimit(in.readRawVarint32());
                long ts;
                long bits;
                if (h) {
                    NativeHistogram hist = histograms.read(in, index);
                    extras.histogram(hist);
                    ts = hist.ts();
                    bits = Double.doubleToRawLongBits(hist.sum());
                } else {
                    bits = 0;
                    ts = 0;
                    int t;
                    while ((t = in.readTag()) != 0) {
                        if (t == SAMPLE_VALUE) bits = in.readRawLittleEndian64();
                        else if (t == SAMPLE_TIMESTAMP) ts = in.readInt64();
                        else WriteRequestWire.skip(in, t);
                    }
                    addSample(ts, Double.longBitsToDouble(bits));
                }
                in.popLimit(limit);
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
                exemplar(what + " exemplar " + exemplars++);
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
        symbols.checkLabels(refs, what);
        if (meta) {
            symbols.check(helpRef, what + " metadata help_ref");
            symbols.check(unitRef, what + " metadata unit_ref");
        }
        boolean anything = count + hcount + exemplars > 0 || meta || created != 0;
        if (!anything) return;
        if (!named()) throw InvalidWriteRequestException.malformed("invalid_labels", what + " has no __name__ label");
        SeriesLabels.Breach breach = labels.check(b);
        if (breach != null) {
            if (!rules.dropInvalidSeries()) throw refused(breach.rule(), index, breach.detail());
            dropping().series(index, breach.rule(), count + hcount);
            return; // its rows are read again from the rewritten body, without it
        }
        if (sampleRule != null) throw refused(sampleRule, index, sampleRule == RemoteWriteRule.TIMESTAMP_TOO_OLD
                ? "a sample is older than " + limits.minTs() + " ms (ingest.remote_write.max_age)"
                : "a sample is later than " + limits.maxTs() + " ms (ingest.remote_write.max_future)");
        SeriesCache.Entry e = entry();
        series.add(e);
        if (series.size() > sampleEnd.length) sampleEnd = Arrays.copyOf(sampleEnd, sampleEnd.length * 2);
        sampleEnd[series.size() - 1] = sampleCount;
        long latest = ExtraRow.NO_TS;
        for (int k = first; k < sampleCount; k++) latest = latest == ExtraRow.NO_TS ? timestamps[k] : Math.max(latest, timestamps[k]);
        latest = extras.latestHistogram(latest);
        if (meta || created != 0) {
            extras.metadata(latest, new ExtraRow.Metadata(type, symbols.string((int) helpRef), symbols.string((int) unitRef), created));
        }
        extras.endSeries(e, latest);
    }

    private RemoteWriteRule breach(long ts, long bits) {
        if (ts < limits.minTs()) return RemoteWriteRule.TIMESTAMP_TOO_OLD;
        if (ts > limits.maxTs()) return RemoteWriteRule.TIMESTAMP_TOO_NEW;
        return limits.refuseStale() && bits == RemoteWriteRules.STALE_NAN ? RemoteWriteRule.STALE_MARKER : null;
    }

    private void exemplar(String what) throws IOException {
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
        symbols.checkLabels(exemplarRefs, what);
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

    /** The series of the current refs: from the cache by the resolved label bytes, or made and cached. */
    private SeriesCache.Entry entry() {
        keyLen = 0;
        appendKey((byte) 0xff, 1); // never the first byte of a 1.0 key (a label field's tag): the caches are shared
        for (int i = 0; i < refs.size; i++) {
            int s = (int) refs.get(i);
            appendKey((byte) 0, 5);
            int n = symbols.length(s);
            for (int j = 0; j < 4; j++) key[keyLen - 4 + j] = (byte) (n >>> (8 * j));
            appendKey((byte) 0, n);
            System.arraycopy(b, symbols.at(s), key, keyLen - n, n);
        }
        SeriesCache.Entry e = cache.get(key, 0, keyLen);
        if (e != null) return e;
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
        e = maker.make(name, LabelOrder.sorted(kv.toArray(new String[0])));
        cache.put(key, 0, keyLen, e);
        return e;
    }

    /** Grows the key by {@code n} bytes, the first of them {@code first}. */
    private void appendKey(byte first, int n) {
        if (keyLen + n > key.length) key = Arrays.copyOf(key, Math.max(keyLen + n, key.length * 2));
        key[keyLen] = first;
        keyLen += n;
    }

    private void addSample(long ts, double value) {
        if (sampleCount == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, sampleCount * 2);
            values = Arrays.copyOf(values, sampleCount * 2);
        }
        timestamps[sampleCount] = ts;
        values[sampleCount++] = value;
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
