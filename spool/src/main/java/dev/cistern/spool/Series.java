package dev.cistern.spool;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
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
    final byte[] head; // {"name":"...","ts":
    final byte[] tail; // ,"labels":{...}}\n

    private Series(String name, Labels labels) {
        this.name = Objects.requireNonNull(name, "name");
        this.labels = Objects.requireNonNull(labels, "labels");
        ByteArrayOutputStream h = new ByteArrayOutputStream(name.length() + 24);
        h.writeBytes("{\"name\":\"".getBytes());
        h.writeBytes(ESCAPER.quoteAsUTF8(name));
        h.writeBytes("\",\"ts\":".getBytes());
        head = h.toByteArray();
        ByteArrayOutputStream t = new ByteArrayOutputStream(64 + labels.size() * 32);
        t.writeBytes(",\"labels\":{".getBytes());
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) t.write(',');
            t.write('"');
            t.writeBytes(ESCAPER.quoteAsUTF8(labels.key(i)));
            t.writeBytes("\":\"".getBytes());
            t.writeBytes(ESCAPER.quoteAsUTF8(labels.value(i)));
            t.write('"');
        }
        t.writeBytes("}}\n".getBytes());
        tail = t.toByteArray();
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
