package dev.cistern.agent.remotewrite;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The labels of one series as the validator's general walk meets them (byte ranges, reused from
 * series to series), checked against Prometheus' rules once the series is read: valid label names,
 * no name twice (two {@code __name__} included), a valid metric name.
 */
final class SeriesLabels {
    private static final byte[] NAME_LABEL = "__name__".getBytes(StandardCharsets.US_ASCII);
    private static final int DESCRIBE_CHARS = 200;

    /** The rule a series breaks, and how, for the 400. */
    record Breach(RemoteWriteRule rule, String detail) {}

    private int[] at = new int[64]; // name offset, name length, value offset, value length
    private int count;

    void clear() {
        count = 0;
    }

    void add(int nameAt, int nameLen, int valueAt, int valueLen) {
        if (4 * count + 4 > at.length) at = Arrays.copyOf(at, at.length * 2);
        at[4 * count] = nameAt;
        at[4 * count + 1] = nameLen;
        at[4 * count + 2] = valueAt;
        at[4 * count + 3] = valueLen;
        count++;
    }

    Breach check(byte[] b) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String name = new String(b, at[4 * i], at[4 * i + 1], StandardCharsets.UTF_8);
            if (!PromNames.isLabelName(b, at[4 * i], at[4 * i + 1])) {
                return new Breach(RemoteWriteRule.INVALID_LABEL_NAME, "label name \"" + name + "\" is not [a-zA-Z_][a-zA-Z0-9_]*");
            }
            if (!seen.add(name)) return new Breach(RemoteWriteRule.DUPLICATE_LABEL_NAME, "label name \"" + name + "\" appears twice");
        }
        for (int i = 0; i < count; i++) {
            int valueLen = at[4 * i + 3];
            if (valueLen > 0 && Arrays.equals(b, at[4 * i], at[4 * i] + at[4 * i + 1], NAME_LABEL, 0, NAME_LABEL.length)
                    && !PromNames.isMetricName(b, at[4 * i + 2], valueLen)) {
                return new Breach(RemoteWriteRule.INVALID_METRIC_NAME, "metric name \""
                        + new String(b, at[4 * i + 2], valueLen, StandardCharsets.UTF_8) + "\" is not [a-zA-Z_:][a-zA-Z0-9_:]*");
            }
        }
        return null;
    }

    /** The series' labels as {@code {name="value", ...}}, cut short, for an error message (its strings are valid UTF-8). */
    static String describe(byte[] b, int from, int len) {
        StringBuilder s = new StringBuilder("{");
        try {
            CodedInputStream in = CodedInputStream.newInstance(b, from, len);
            int tag;
            while ((tag = in.readTag()) != 0 && s.length() < DESCRIBE_CHARS) {
                if (tag != WriteRequestWire.SERIES_LABELS) {
                    in.skipField(tag);
                    continue;
                }
                int limit = in.pushLimit(in.readRawVarint32());
                String name = "";
                String value = "";
                int t;
                while ((t = in.readTag()) != 0) {
                    if (t == WriteRequestWire.LABEL_NAME) name = in.readStringRequireUtf8();
                    else if (t == WriteRequestWire.LABEL_VALUE) value = in.readStringRequireUtf8();
                    else in.skipField(t);
                }
                in.popLimit(limit);
                if (s.length() > 1) s.append(", ");
                s.append(name).append("=\"").append(value).append('"');
            }
        } catch (IOException e) {
            // described as far as it reads
        }
        if (s.length() > DESCRIBE_CHARS) s.setLength(DESCRIBE_CHARS);
        return s.append(s.length() >= DESCRIBE_CHARS ? "...}" : "}").toString();
    }
}
