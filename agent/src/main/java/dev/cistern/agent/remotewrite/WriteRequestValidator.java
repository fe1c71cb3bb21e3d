package dev.cistern.agent.remotewrite;

import static dev.cistern.agent.remotewrite.WriteRequestWire.*;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Checks a decompressed remote_write WriteRequest whole before it is journaled, and counts its
 * samples, by walking the protobuf in place: no message objects, no strings. It accepts what the
 * generated parser accepts (unknown fields are skipped, every string field must be UTF-8), and
 * adds the agent's own rules: no label with an empty name, and every series with samples has a
 * non-empty {@code __name__}.
 */
final class WriteRequestValidator {
    private static final byte[] NAME_LABEL = "__name__".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NAME_LABEL_LONG = (long) LONGS.get(NAME_LABEL, 0);

    private final byte[] b;
    private final int end;
    private final CodedInputStream in;
    private int series;
    private long samples;

    private WriteRequestValidator(byte[] b, int len) {
        this.b = b;
        this.end = len;
        this.in = CodedInputStream.newInstance(b, 0, len);
    }

    /** Returns the number of samples; every problem is an {@link InvalidWriteRequestException} with a short reason. */
    static long validate(byte[] raw, int len) {
        WriteRequestValidator v = new WriteRequestValidator(raw, len);
        try {
            v.request();
        } catch (IOException e) {
            throw InvalidWriteRequestException.malformed("malformed_protobuf",
                    "body is not a remote_write WriteRequest: " + e.getMessage());
        }
        return v.samples;
    }

    private void request() throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == REQUEST_TIMESERIES) {
                int n = length(in, end);
                int at = in.getTotalBytesRead();
                long fast = usualTimeSeries(b, at, at + n);
                if (fast >= 0) {
                    samples += fast;
                    in.skipRawBytes(n);
                } else {
                    int limit = in.pushLimit(n);
                    timeSeries(series);
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
     * (name then value if any, one-byte lengths, all ASCII) then sample fields (value then timestamp).
     * Returns its sample count, or -1 when it has any other shape, or breaks a rule: the general
     * walk then decides, and words the error.
     */
    static long usualTimeSeries(byte[] b, int from, int end) {
        int p = from;
        boolean named = false;
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
            named |= valueLen > 0 && nameLen == 8 && (long) LONGS.get(b, q + 2) == NAME_LABEL_LONG;
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
            if (q < qEnd && b[q] == SAMPLE_VALUE) q += 9;
            if (q < qEnd && b[q] == SAMPLE_TIMESTAMP) {
                if (wholeVarint(b, q + 1, qEnd) < 0) return -1;
                q = qEnd;
            }
            if (q != qEnd) return -1;
            count++;
            p = qEnd;
        }
        return named || count == 0 ? count : -1;
    }

    private void timeSeries(int index) throws IOException {
        boolean named = false;
        long count = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == SERIES_LABELS) {
                int limit = enter(in, end);
                named |= label(index, true);
                in.popLimit(limit);
            } else if (tag == SERIES_SAMPLES) {
                int limit = enter(in, end);
                sample();
                in.popLimit(limit);
                count++;
            } else if (tag == SERIES_EXEMPLARS) {
                int limit = enter(in, end);
                exemplar(index);
                in.popLimit(limit);
            } else if (tag == SERIES_HISTOGRAMS) {
                int limit = enter(in, end);
                skipAll();
                in.popLimit(limit);
            } else {
                skip(in, tag);
            }
        }
        if (!named && count > 0) {
            throw InvalidWriteRequestException.malformed("invalid_labels", "series " + index + " has no __name__ label");
        }
        samples += count;
    }

    /** Returns whether this is a non-empty {@code __name__}. */
    private boolean label(int series, boolean requireName) throws IOException {
        int nameAt = -1;
        int nameLen = 0;
        int valueLen = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == LABEL_NAME) {
                nameLen = string("label name", series);
                nameAt = in.getTotalBytesRead() - nameLen;
            } else if (tag == LABEL_VALUE) {
                valueLen = string("label value", series);
            } else {
                skip(in, tag);
            }
        }
        if (requireName && nameLen == 0) {
            throw InvalidWriteRequestException.malformed("invalid_labels", "series " + series + " has a label with an empty name");
        }
        return valueLen > 0 && nameLen == NAME_LABEL.length
                && Arrays.equals(b, nameAt, nameAt + nameLen, NAME_LABEL, 0, NAME_LABEL.length);
    }

    private void sample() throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == SAMPLE_VALUE) in.readDouble();
            else if (tag == SAMPLE_TIMESTAMP) in.readInt64();
            else skip(in, tag);
        }
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
                in.readInt64();
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

    private void skipAll() throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) skip(in, tag);
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
