package dev.cistern.agent.remotewrite;

import static dev.cistern.agent.remotewrite.WriteRequestWire.*;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Checks a decompressed remote_write WriteRequest whole before it is journaled, and counts its
 * samples, by walking the protobuf in place: no message objects, no strings. It accepts what the
 * generated parser accepts (unknown fields are skipped, every string field must be UTF-8), but for
 * sample timestamps in 10-byte varints whose last byte overflows (Prometheus' decoder refuses them),
 * and adds the agent's own rules: no label with an empty name, every series with samples has a
 * non-empty {@code __name__}, and the {@link RemoteWriteRules} (names, duplicates, staleness markers,
 * the timestamp window), whose breaches are refused or, by policy, dropped (see {@link Drops}).
 */
final class WriteRequestValidator {
    private static final byte[] NAME_LABEL = "__name__".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NAME_LABEL_LONG = (long) LONGS.get(NAME_LABEL, 0);

    private final byte[] b;
    private final int end;
    private final CodedInputStream in;
    private final RemoteWriteRules rules;
    private final RemoteWriteRules.Limits limits;
    private final SeriesLabels labels = new SeriesLabels();
    private final HistogramReader histograms = new HistogramReader();
    private int series;
    private long samples;
    private Drops drops;

    /** The samples to keep, and what the drop policies take out (null: nothing). */
    record Verdict(long samples, Drops drops) {}

    private WriteRequestValidator(byte[] b, int len, RemoteWriteRules rules, RemoteWriteRules.Limits limits) {
        this.b = b;
        this.end = len;
        this.in = CodedInputStream.newInstance(b, 0, len);
        this.rules = rules;
        this.limits = limits;
    }

    /** The sample count under the default rules and no window: for tests of the walk itself. */
    static long validate(byte[] raw, int len) {
        return validate(raw, len, RemoteWriteRules.DEFAULT, RemoteWriteRules.Limits.SPOOL_RANGE).samples();
    }

    /** Every problem not dropped by policy is an {@link InvalidWriteRequestException} with a short reason. */
    static Verdict validate(byte[] raw, int len, RemoteWriteRules rules, RemoteWriteRules.Limits limits) {
        WriteRequestValidator v = new WriteRequestValidator(raw, len, rules, limits);
        try {
            v.request();
        } catch (IOException e) {
            throw InvalidWriteRequestException.malformed("malformed_protobuf",
                    "body is not a remote_write WriteRequest: " + e.getMessage());
        }
        return new Verdict(v.samples, v.drops);
    }

    private void request() throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == REQUEST_TIMESERIES) {
                int n = length(in, end);
                int at = in.getTotalBytesRead();
                long fast = usualTimeSeries(b, at, at + n, limits);
                if (fast >= 0) {
                    samples += fast;
                    in.skipRawBytes(n);
                } else {
                    int limit = in.pushLimit(n);
                    timeSeries(series, at, n);
                    in.popLimit(limit);
                }
                series++;
            } else if (tag == REQUEST_METADATA) {
                int limit = enter(in, end);
                metadata();
                in.popLimit(limit);
            } else {
                skip(in, tag);
            }
        }
    }

    /**
     * Checks a TimeSeries of the shape Prometheus sends without a CodedInputStream: label fields
     * (name then value if any, one-byte lengths, all ASCII, valid names in strictly increasing order)
     * then sample fields (value then timestamp) within {@code limits}. Returns its sample count, or
     * -1 when it has any other shape, or breaks a rule: the general walk then decides, and words the error.
     */
    static long usualTimeSeries(byte[] b, int from, int end, RemoteWriteRules.Limits limits) {
        int p = from;
        boolean named = false;
        int previous = -1;
        int previousLen = 0;
        while (p < end && b[p] == SERIES_LABELS) {
            if (p + 1 >= end) return -1;
            int q = p + 2;
            int qEnd = q + b[p + 1];
            if (qEnd < q + 3 || qEnd > end || b[q] != LABEL_NAME) return -1;
            int nameLen = b[q + 1];
            int v = q + 2 + nameLen;
            if (nameLen <= 0 || v > qEnd) return -1;
            int valueLen = 0; // an empty value is left out on the wire
            if (v < qEnd) {
                if (v + 2 > qEnd || b[v] != LABEL_VALUE) return -1;
                valueLen = b[v + 1];
                if (valueLen < 0 || v + 2 + valueLen != qEnd) return -1;
            }
            int name = q + 2;
            // sorted and unique, as Prometheus sends them: anything else goes to the general walk
            if (!PromNames.isLabelName(b, name, nameLen) || previous >= 0
                    && Arrays.compareUnsigned(b, previous, previous + previousLen, b, name, name + nameLen) >= 0) {
                return -1;
            }
            if (valueLen > 0 && nameLen == 8 && (long) LONGS.get(b, name) == NAME_LABEL_LONG) {
                if (!PromNames.isMetricName(b, v + 2, valueLen)) return -1;
                named = true;
            }
            previous = name;
            previousLen = nameLen;
            p = qEnd;
        }
        // tags and one-byte lengths are ASCII too, so one scan covers every label string
        if (!Utf8Validation.isAscii(b, from, p - from)) return -1;
        long count = 0;
        while (p < end) {
            if (b[p] != SERIES_SAMPLES || p + 1 >= end) return -1;
            int q = p + 2;
            int qEnd = q + b[p + 1];
            if (qEnd < q || qEnd > end) return -1;
            long bits = 0;
            long ts = 0;
            if (q < qEnd && b[q] == SAMPLE_VALUE) {
                if (q + 9 > qEnd) return -1;
                bits = (long) LONGS.get(b, q + 1);
                q += 9;
            }
            if (q < qEnd && b[q] == SAMPLE_TIMESTAMP) {
                ts = wholeVarint(b, q + 1, qEnd);
                if (ts < 0) return -1;
                q = qEnd;
            }
            if (q != qEnd || !limits.passes(ts, bits)) return -1;
            count++;
            p = qEnd;
        }
        return named || count == 0 ? count : -1;
    }

    private void timeSeries(int index, int from, int len) throws IOException {
        boolean named = false;
        long count = 0;
        long hcount = 0;
        long exemplars = 0;
        labels.clear();
        RemoteWriteRule sampleRule = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == SERIES_LABELS) {
                int limit = enter(in, end);
                named |= label(index, true);
                in.popLimit(limit);
            } else if (tag == SERIES_SAMPLES || tag == SERIES_HISTOGRAMS) {
                boolean h = tag == SERIES_HISTOGRAMS; // a native histogram sample is held to the rules of a sample
                int limit = enter(in, end);
                RemoteWriteRule broken = h ? histogram(index) : sample();
                in.popLimit(limit);
                if (broken != null) {
                    if (!dropsSample(broken)) sampleRule = sampleRule == null ? broken : sampleRule;
                    else drops().sample(index, (int) (h ? hcount : count), h, broken);
                }
                if (h) hcount++;
                else count++;
            } else if (tag == SERIES_EXEMPLARS) {
                int limit = enter(in, end);
                exemplar(index);
                in.popLimit(limit);
                exemplars++;
            } else {
                skip(in, tag);
            }
        }
        if (!named && count + hcount + exemplars > 0) {
            throw InvalidWriteRequestException.malformed("invalid_labels", "series " + index + " has no __name__ label");
        }
        SeriesLabels.Breach breach = labels.check(b);
        if (breach != null) {
            if (!rules.dropInvalidSeries()) throw refused(breach.rule(), index, from, len, breach.detail());
            drops().series(index, breach.rule(), count + hcount);
            return;
        }
        if (sampleRule != null) throw refused(sampleRule, index, from, len, sampleRule == RemoteWriteRule.TIMESTAMP_TOO_OLD
                ? "a sample is older than " + limits.minTs() + " ms (ingest.remote_write.max_age)"
                : "a sample is later than " + limits.maxTs() + " ms (ingest.remote_write.max_future)");
        BitSet gone = drops == null ? null : drops.samplesDropped(index);
        samples += count - (gone == null ? 0 : gone.cardinality());
    }

    private boolean dropsSample(RemoteWriteRule rule) {
        return rule == RemoteWriteRule.STALE_MARKER || rules.dropOutOfWindow();
    }

    private Drops drops() {
        if (drops == null) drops = new Drops();
        return drops;
    }

    private InvalidWriteRequestException refused(RemoteWriteRule rule, int index, int from, int len, String detail) {
        return InvalidWriteRequestException.malformed(rule.reason(),
                "series " + index + " " + SeriesLabels.describe(b, from, len) + ": " + detail);
    }

    /** Returns whether this is a non-empty {@code __name__}; a series' label ({@code requireName}) is noted for the rules. */
    private boolean label(int series, boolean requireName) throws IOException {
        int nameAt = -1;
        int nameLen = 0;
        int valueAt = -1;
        int valueLen = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == LABEL_NAME) {
                nameLen = string("label name", series);
                nameAt = in.getTotalBytesRead() - nameLen;
            } else if (tag == LABEL_VALUE) {
                valueLen = string("label value", series);
                valueAt = in.getTotalBytesRead() - valueLen;
            } else {
                skip(in, tag);
            }
        }
        if (requireName && nameLen == 0) {
            throw InvalidWriteRequestException.malformed("invalid_labels", "series " + series + " has a label with an empty name");
        }
        if (requireName) labels.add(nameAt, nameLen, valueAt, valueLen);
        return valueLen > 0 && nameLen == NAME_LABEL.length
                && Arrays.equals(b, nameAt, nameAt + nameLen, NAME_LABEL, 0, NAME_LABEL.length);
    }

    /** Reads a sample; returns the rule it breaks, or null. */
    private RemoteWriteRule sample() throws IOException {
        long bits = 0;
        long ts = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == SAMPLE_VALUE) bits = in.readRawLittleEndian64();
            else if (tag == SAMPLE_TIMESTAMP) ts = timestamp(in, b);
            else skip(in, tag);
        }
        return breach(ts, bits);
    }

    /** A histogram sample's rule breach, or null; a histogram is stale when its sum is the marker. */
    private RemoteWriteRule histogram(int series) throws IOException {
        NativeHistogram h = histograms.read(in, series);
        return breach(h.ts(), Double.doubleToRawLongBits(h.sum()));
    }

    private RemoteWriteRule breach(long ts, long bits) {
        if (ts < limits.minTs()) return RemoteWriteRule.TIMESTAMP_TOO_OLD;
        if (ts > limits.maxTs()) return RemoteWriteRule.TIMESTAMP_TOO_NEW;
        return limits.refuseStale() && bits == RemoteWriteRules.STALE_NAN ? RemoteWriteRule.STALE_MARKER : null;
    }

    private void exemplar(int series) throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == EXEMPLAR_LABELS) {
                int limit = enter(in, end);
                label(series, false);
                in.popLimit(limit);
            } else if (tag == EXEMPLAR_VALUE) {
                in.readDouble();
            } else if (tag == EXEMPLAR_TIMESTAMP) {
                timestamp(in, b);
            } else {
                skip(in, tag);
            }
        }
    }

    private void metadata() throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == METADATA_TYPE) in.readInt32();
            else if (tag == METADATA_FAMILY_NAME || tag == METADATA_HELP || tag == METADATA_UNIT) string("metadata", -1);
            else skip(in, tag);
        }
    }

    /** Skips a string field after checking it is UTF-8; returns its length. */
    private int string(String what, int series) throws IOException {
        int n = length(in, end);
        int at = in.getTotalBytesRead();
        if (!Utf8Validation.isValid(b, at, n)) {
            String where = series >= 0 ? "series " + series + ": " : "";
            throw InvalidWriteRequestException.malformed("invalid_utf8", where + what + " is not valid UTF-8");
        }
        in.skipRawBytes(n);
        return n;
    }
}
