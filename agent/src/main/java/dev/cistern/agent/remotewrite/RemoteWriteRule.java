package dev.cistern.agent.remotewrite;

/** A remote_write rule a series or sample broke: the reason in the rejected and dropped counters. */
public enum RemoteWriteRule {
    /** Two labels of one series with the same name (two {@code __name__} included). */
    DUPLICATE_LABEL_NAME("duplicate_label_name"),
    /** A label name that is not {@code [a-zA-Z_][a-zA-Z0-9_]*}. */
    INVALID_LABEL_NAME("invalid_label_name"),
    /** A {@code __name__} value that is not {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
    INVALID_METRIC_NAME("invalid_metric_name"),
    /** A staleness marker, when they are dropped. */
    STALE_MARKER("stale_marker"),
    /** Older than {@code ingest.remote_write.max_age}. */
    TIMESTAMP_TOO_OLD("timestamp_too_old"),
    /** Further ahead than {@code ingest.remote_write.max_future}. */
    TIMESTAMP_TOO_NEW("timestamp_too_new");

    private final String reason;

    RemoteWriteRule(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    /** Whether it concerns a series' labels (the whole series goes) rather than one sample. */
    boolean ofLabels() {
        return this == DUPLICATE_LABEL_NAME || this == INVALID_LABEL_NAME || this == INVALID_METRIC_NAME;
    }
}
