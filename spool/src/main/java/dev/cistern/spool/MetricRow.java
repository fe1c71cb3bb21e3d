package dev.cistern.spool;

import java.util.Objects;

/** One metric sample: {@code {"name":...,"ts":...,"value":...,"labels":{...}}}. */
public record MetricRow(String name, long timestampMillis, double value, Labels labels) {
    public MetricRow {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(labels, "labels");
    }
}
