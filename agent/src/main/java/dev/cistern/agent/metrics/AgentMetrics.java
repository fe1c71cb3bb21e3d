package dev.cistern.agent.metrics;

import dev.cistern.spool.DropReason;
import dev.cistern.spool.RecoveryReport;
import dev.cistern.spool.Retention;
import dev.cistern.spool.SpoolMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/** Every metric the agent exports on /metrics. Documented in docs/metrics.md. */
public final class AgentMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter samplesAccepted;
    private final Counter ndjsonRowsAccepted;

    public AgentMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        samplesAccepted = Counter.builder("cistern.ingest.samples.accepted")
                .description("remote_write samples acknowledged (durable in the journal)").register(registry);
        ndjsonRowsAccepted = Counter.builder("cistern.ingest.ndjson.rows.accepted")
                .description("NDJSON rows acknowledged (durable in the journal)").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public void request(String endpoint, int status, long nanos) {
        Timer.builder("cistern.http.requests")
                .description("HTTP requests by endpoint and status, with latency")
                .tags("endpoint", endpoint, "status", Integer.toString(status))
                .publishPercentileHistogram(false)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void rejected(String endpoint, String reason) {
        Counter.builder("cistern.ingest.rejected").description("requests refused, by reason")
                .tags("endpoint", endpoint, "reason", reason).register(registry).increment();
    }

    public void samplesAccepted(long n) {
        samplesAccepted.increment(n);
    }

    public void ndjsonRowsAccepted(long n) {
        ndjsonRowsAccepted.increment(n);
    }

    public void rowsWritten(String stream, long n) {
        Counter.builder("cistern.rows.written").description("rows written into the spool, by stream")
                .tag("stream", stream).register(registry).increment(n);
    }

    public void rowsDropped(String reason, long n) {
        Counter.builder("cistern.rows.dropped").description("rows dropped by explicit policy, by reason")
                .tag("reason", reason).register(registry).increment(n);
    }

    public void sealerFailure() {
        Counter.builder("cistern.sealer.failures").description("journal-to-spool write failures (retried after replay)")
                .register(registry).increment();
    }

    public <T> void gauge(String name, String description, T obj, ToDoubleFunction<T> f) {
        Gauge.builder(name, obj, f).description(description).register(registry);
    }

    /** Binds the spool's own counters and what recovery did at startup. */
    public void bindSpool(SpoolMetrics m, RecoveryReport recovery) {
        FunctionCounter.builder("cistern.segments.sealed", m, SpoolMetrics::segmentsSealed)
                .description("segments sealed").register(registry);
        FunctionCounter.builder("cistern.sealed.rows", m, SpoolMetrics::rowsSealed)
                .description("rows in sealed segments").register(registry);
        FunctionCounter.builder("cistern.sealed.raw", m, SpoolMetrics::rawBytesSealed).baseUnit("bytes")
                .description("uncompressed NDJSON bytes sealed").register(registry);
        FunctionCounter.builder("cistern.sealed.compressed", m, SpoolMetrics::compressedBytesSealed).baseUnit("bytes")
                .description("Brotli bytes sealed").register(registry);
        Gauge.builder("cistern.compression.ratio", m, x -> x.compressedBytesSealed() == 0 ? 0
                        : (double) x.rawBytesSealed() / x.compressedBytesSealed())
                .description("raw / compressed bytes over segments sealed since start").register(registry);
        FunctionTimer.builder("cistern.seal", m, SpoolMetrics::segmentsSealed, SpoolMetrics::sealNanos, TimeUnit.NANOSECONDS)
                .description("time to finish, fsync and rename a segment").register(registry);
        FunctionCounter.builder("cistern.spool.write.failures", m, SpoolMetrics::writeFailures)
                .description("segments abandoned after an I/O error").register(registry);
        Gauge.builder("cistern.recovery.salvaged.files", recovery, RecoveryReport::tempFilesSalvaged)
                .description("temp files salvaged at startup").register(registry);
        Gauge.builder("cistern.recovery.quarantined.files", recovery, RecoveryReport::filesQuarantined)
                .description("files quarantined at startup").register(registry);
        Gauge.builder("cistern.recovery.discarded.segments", recovery, r -> r.discardedStreams().size())
                .description("open segments discarded at startup, replayed from the journal").register(registry);
        Gauge.builder("cistern.recovery.torn.bytes", recovery, RecoveryReport::tornBytesDropped).baseUnit("bytes")
                .description("torn tail bytes dropped by salvage at startup").register(registry);
    }

    /** Files and rows retention dropped, by reason; spool disk use by area; the over-limit flag. */
    public void bindRetention(Retention r) {
        for (DropReason reason : DropReason.values()) {
            String tag = reason.name().toLowerCase(java.util.Locale.ROOT);
            FunctionCounter.builder("cistern.retention.dropped.files", r, x -> x.filesDropped(reason)).tag("reason", tag)
                    .description("files deleted by retention, by reason").register(registry);
            FunctionCounter.builder("cistern.retention.dropped.rows", r, x -> x.rowsDropped(reason)).tag("reason", tag)
                    .description("rows in files deleted by retention, by reason").register(registry);
        }
        Gauge.builder("cistern.spool.over.limit", r, x -> x.overLimit() ? 1 : 0)
                .description("1 while the spool is over a retention limit and the overflow policy applies").register(registry);
        for (String area : new String[] {"journal", "active", "sealed", "uploaded"}) {
            Gauge.builder("cistern.spool.disk", r, x -> switch (area) {
                        case "journal" -> x.lastUsage().journal();
                        case "active" -> x.lastUsage().active();
                        case "sealed" -> x.lastUsage().sealed();
                        default -> x.lastUsage().uploaded();
                    }).tag("area", area).baseUnit("bytes")
                    .description("bytes on disk by area, as of the last retention pass").register(registry);
        }
        Gauge.builder("cistern.filesystem.free", r, x -> x.lastUsage().free()).baseUnit("bytes")
                .description("usable bytes on the data directory's filesystem").register(registry);
    }

    public static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
