package dev.cistern.agent.remotewrite;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * One native histogram sample as stored: absolute bucket bounds and counts, so a reader needs no
 * Prometheus code (see docs/format.md, "Histogram rows"). Buckets run from the lowest bound up:
 * negative buckets {@code [lower, upper)}, the zero bucket {@code [-zero_threshold, zero_threshold]},
 * positive and custom buckets {@code (lower, upper]}; empty buckets are left out. Integer histograms
 * keep integer counts ({@code counts} whole), float histograms their float counts.
 */
public record NativeHistogram(long ts, boolean floatCounts, double count, double sum, int schema, double zeroThreshold,
                              double zeroCount, int resetHint, double[] lower, double[] upper, double[] counts)
        implements ExtraRow.Body {

    private static final String[] RESET_HINTS = {"unknown", "yes", "no", "gauge"};

    /** Writes the {@code "histogram"} object's fields. */
    @Override
    public void write(JsonGenerator g) throws IOException {
        g.writeFieldName("count");
        writeCount(g, count);
        g.writeFieldName("sum");
        JsonNumbers.write(g, sum);
        g.writeNumberField("schema", schema);
        g.writeFieldName("zero_threshold");
        JsonNumbers.write(g, zeroThreshold);
        g.writeFieldName("zero_count");
        writeCount(g, zeroCount);
        g.writeStringField("reset", resetHint >= 0 && resetHint < RESET_HINTS.length ? RESET_HINTS[resetHint]
                : Integer.toString(resetHint));
        g.writeArrayFieldStart("buckets");
        for (int i = 0; i < counts.length; i++) {
            g.writeStartArray();
            JsonNumbers.write(g, lower[i]);
            JsonNumbers.write(g, upper[i]);
            writeCount(g, counts[i]);
            g.writeEndArray();
        }
        g.writeEndArray();
    }

    private void writeCount(JsonGenerator g, double c) throws IOException {
        if (floatCounts) JsonNumbers.write(g, c);
        else g.writeNumber((long) c);
    }
}
