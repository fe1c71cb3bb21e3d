package dev.cistern.agent.metrics;

import java.time.Duration;
import java.util.List;

/**
 * Label values known before the first event, registered at zero at startup so that an alert such as
 * {@code increase(cistern_ingest_rejected_total[5m]) > 0} fires on the first occurrence too (a series
 * that appears with the value 1 has no increase). Reasons not listed still appear on first use.
 */
final class KnownLabels {
    /** Buckets for request latency: the range docs/benchmarks.md measured (sub-millisecond to seconds), plus timeouts. */
    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    static final List<String> INGEST_ENDPOINTS = List.of("remote_write", "ndjson");

    /** Refusals either ingest endpoint can give. */
    static final List<String> REJECT_REASONS = List.of("unauthorized", "wrong_method", "wrong_content_type",
            "wrong_content_encoding", "bad_content_length", "too_large", "overloaded", "inflight_bytes", "internal_error",
            "backpressure", "spool_full", "disk_full", "journal_unavailable", "shutting_down", "not_sealing");

    /** Refusals only remote_write gives. */
    static final List<String> REMOTE_WRITE_REASONS = List.of("malformed_snappy", "malformed_protobuf", "invalid_labels",
            "invalid_utf8", "duplicate_label_name", "invalid_label_name", "invalid_metric_name", "timestamp_too_old",
            "timestamp_too_new");

    /** Refusals only the NDJSON endpoint gives. */
    static final List<String> NDJSON_REASONS = List.of("bad_stream", "empty", "malformed_json", "malformed_gzip",
            "bad_encoding", "too_deep", "timestamp_out_of_range", "event_time_unparsable");

    static final List<String> DROP_REASONS = List.of("unrouted", "journal_entry_undecodable", "overflow_drop_newest",
            "duplicate_label_name", "invalid_label_name", "invalid_metric_name", "stale_marker", "timestamp_too_old",
            "timestamp_too_new", "timestamp_out_of_range");

    private KnownLabels() {}

    static void registerAtZero(AgentMetrics m) {
        for (String endpoint : INGEST_ENDPOINTS) {
            for (String reason : REJECT_REASONS) m.rejectedCounter(endpoint, reason);
        }
        for (String reason : REMOTE_WRITE_REASONS) m.rejectedCounter("remote_write", reason);
        for (String reason : NDJSON_REASONS) m.rejectedCounter("ndjson", reason);
        for (String reason : DROP_REASONS) m.rowsDroppedCounter(reason);
        m.sealerFailures();
    }
}
