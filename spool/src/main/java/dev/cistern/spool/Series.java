package dev.cistern.spool;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * One metric series: a name and its labels. Its JSON is encoded once, when the series is made, so
 * each sample only adds a timestamp and a value:
 * {@code {"name":"<name>","ts":<ts>,"value":<value>,"labels":{...}}}. Reuse a Series across samples.
 */
public final class Series {
    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

    private final String name;
    private final Labels labels;
    /**
     * The row without its timestamp and value, in one array so that a row reads one place in memory:
     * {@code {"name":"...","ts":} up to {@link #tailAt}, then {@code ,"labels":{...}}\n}.
     */
    final byte[] json;
    final int tailAt;
    /** Of {@link #json}, spread over the low bits: series are grouped by their JSON ({@link SeriesBlock}). */
    final int hash;
    /** {@link #json}'s length, here beside the hash: a series block counts each sample's bytes without reading the array. */
    final int jsonLength;

    private Series(String name, Labels labels) {
        this.name = Objects.requireNonNull(name, "name");
        this.labels = Objects.requireNonNull(labels, "labels");
        ByteArrayOutputStream j = new ByteArrayOutputStream(name.length() + 88 + labels.size() * 32);
        j.writeBytes("{\"name\":\"".getBytes());
        j.writeBytes(ESCAPER.quoteAsUTF8(name));
        j.writeBytes("\",\"ts\":".getBytes());
        tailAt = j.size();
        j.writeBytes(",\"labels\":{".getBytes());
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) j.write(',');
            j.write('"');
            j.writeBytes(ESCAPER.quoteAsUTF8(labels.key(i)));
            j.writeBytes("\":\"".getBytes());
            j.writeBytes(ESCAPER.quoteAsUTF8(labels.value(i)));
            j.write('"');
        }
        j.writeBytes("}}\n".getBytes());
        json = j.toByteArray();
        jsonLength = json.length;
        int h = Arrays.hashCode(json);
        hash = h ^ (h >>> 16);
    }

    public static Series of(String name, Labels labels) {
        return new Series(name, labels);
    }

    public String name() { return name; }
    public Labels labels() { return labels; }

    @Override
    public String toString() {
        return name + labels;
    }
}
