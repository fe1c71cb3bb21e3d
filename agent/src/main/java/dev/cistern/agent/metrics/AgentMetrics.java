package dev.cistern.agent.metrics;

import dev.cistern.agent.journal.JournalDamage;
import dev.cistern.agent.remotewrite.SeriesCache;
import dev.cistern.spool.DropReason;
import dev.cistern.spool.DropReport;
import dev.cistern.spool.QuarantineReason;
import dev.cistern.spool.RecoveryReport;
import dev.cistern.spool.Retention;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.spool.SpoolMetrics;
import dev.cistern.uploader.BreakerState;
import dev.cistern.uploader.UploadListener;
import dev.cistern.uploader.UploadOutcome;
import dev.cistern.uploader.UploaderMetrics;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/** Every metric the agent exports on /metrics. Documented in docs/metrics.md. */
public final class AgentMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<RequestKey, Timer> requestTimers = new ConcurrentHashMap<>();
    private final Counter samplesAccepted;
    private final Counter ndjsonRowsAccepted;
    private final Counter paced;
    private final Counter pacedSeconds;

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
        paced = Counter.builder("cistern.ingest.paced")
                .description("requests held back while the journal lag was above journal.pace_above_bytes").register(registry);
        pacedSeconds = Counter.builder("cistern.ingest.paced.wait").baseUnit("seconds")
                .description("time requests were held back for the sealer lanes").register(registry);
        Gauge.builder("cistern.series.cache.bytes", SeriesCache::heldBytesAll)
                .description("heap the remote_write series caches hold (estimated, as they are bounded)").register(registry);
        Gauge.builder("cistern.series.cache.max.bytes", SeriesCache::budgetBytesAll)
                .description("what the series caches may hold together").register(registry);
        BuildInfo build = BuildInfo.current();
        Gauge.builder("cistern.build.info", () -> 1).description("1, labelled with what this agent was built from")
                .tags("version", build.version(), "revision", build.revision(), "java", build.java()).register(registry);
        KnownLabels.registerAtZero(this);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public void request(String endpoint, int status, long nanos) {
        requestTimers.computeIfAbsent(new RequestKey(endpoint, status), k -> Timer.builder("cistern.http.requests")
                .description("HTTP requests by endpoint and status, with latency")
                .tags("endpoint", k.endpoint, "status", Integer.toString(k.status))
                .serviceLevelObjectives(KnownLabels.LATENCY_BUCKETS)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS); // found, not built and looked up, each request
    }

    private record RequestKey(String endpoint, int status) {}

    public void rejected(String endpoint, String reason) {
        rejectedCounter(endpoint, reason).increment();
    }

    Counter rejectedCounter(String endpoint, String reason) {
        return Counter.builder("cistern.ingest.rejected").description("requests refused, by reason")
                .tags("endpoint", endpoint, "reason", reason).register(registry);
    }

    public void samplesAccepted(long n) {
        samplesAccepted.increment(n);
    }

    /** A request waited {@code nanos} for the lanes (journal.pace_above_bytes). */
    public void paced(long nanos) {
        paced.increment();
        pacedSeconds.increment(nanos / 1e9);
    }

    public void ndjsonRowsAccepted(long n) {
        ndjsonRowsAccepted.increment(n);
    }

    /** NDJSON rows whose event-time field did not parse, by stream and the policy that took them (arrival or reject). */
    public void eventTimeUnparsable(String stream, String policy, long n) {
        eventTimeUnparsableCounter(stream, policy).increment(n);
    }

    Counter eventTimeUnparsableCounter(String stream, String policy) {
        return Counter.builder("cistern.ndjson.event.time.unparsable")
                .description("NDJSON rows whose event-time field did not parse: stored under arrival time, or refused (reject)")
                .tags("stream", stream, "policy", policy).register(registry);
    }

    public void rowsWritten(String stream, long n) {
        Counter.builder("cistern.rows.written").description("rows written into the spool, by stream")
                .tag("stream", stream).register(registry).increment(n);
    }

    public void rowsDropped(String reason, long n) {
        rowsDroppedCounter(reason).increment(n);
    }

    Counter rowsDroppedCounter(String reason) {
        return Counter.builder("cistern.rows.dropped").description("rows dropped by explicit policy, by reason")
                .tag("reason", reason).register(registry);
    }

    public void sealerFailure() {
        sealerFailures().increment();
    }

    Counter sealerFailures() {
        return Counter.builder("cistern.sealer.failures").description("journal-to-spool write failures (retried after replay)")
                .register(registry);
    }

    public <T> void gauge(String name, String description, T obj, ToDoubleFunction<T> f) {
        Gauge.builder(name, obj, f).description(description).register(registry);
    }

    /** What the journal found damaged at open, and the names and ledger indices its resume plan ignored. */
    public void journalDamage(JournalDamage d) {
        FunctionCounter.builder("cistern.journal.damaged.entries", d, JournalDamage::entries)
                .description("journal entries found lost or failing their checksum at startup (skipped)").register(registry);
        FunctionCounter.builder("cistern.journal.damaged", d, JournalDamage::bytes).baseUnit("bytes")
                .description("bytes of those journal entries").register(registry);
        FunctionCounter.builder("cistern.resume.ignored.names", d, JournalDamage::ignoredNames)
                .description("sealed or uploaded names ignored for resume: another journal's, or past its end").register(registry);
        FunctionCounter.builder("cistern.resume.ignored.ledger.indices", d, JournalDamage::ignoredLedgerIndices)
                .description("journal-progress.json indices past the journal's end, ignored for resume").register(registry);
    }

    /**
     * Per codec in use, the level the next segment gets, and segments sealed per level: every level the configuration
     * allows is registered at zero (a fixed level has one).
     */
    public void bindQuality(SpoolConfig config, SpoolMetrics m) {
        config.levels().forEach((codec, levels) -> {
            Gauge.builder("cistern.spool.quality", config, c -> c.nextLevel(codec)).tag("codec", codec.configName())
                    .description("compression level the next segment opens with (spool.quality, or the adaptive choice)")
                    .register(registry);
            for (int level : levels) {
                FunctionCounter.builder("cistern.spool.quality.segments", m, x -> x.segmentsSealedAt(codec, level))
                        .tag("codec", codec.configName()).tag("level", Integer.toString(level))
                        .description("segments sealed, by the codec and level they were compressed at").register(registry);
            }
        });
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
        FunctionCounter.builder("cistern.journal.progress.damaged", m, SpoolMetrics::progressDamaged)
                .description("journal-progress.json found damaged at startup (sealed names used instead)").register(registry);
        FunctionCounter.builder("cistern.journal.progress.write.failures", m, SpoolMetrics::progressWriteFailures)
                .description("failed writes of journal-progress.json (files it lacks are kept until one succeeds)").register(registry);
        Gauge.builder("cistern.recovery.salvaged.files", recovery, RecoveryReport::tempFilesSalvaged)
                .description("temp files salvaged at startup").register(registry);
        Gauge.builder("cistern.recovery.quarantined.files", recovery, RecoveryReport::filesQuarantined)
                .description("files quarantined at startup").register(registry);
        Gauge.builder("cistern.recovery.discarded.segments", recovery, r -> r.discardedStreams().size())
                .description("open segments discarded at startup, replayed from the journal").register(registry);
        Gauge.builder("cistern.recovery.torn.bytes", recovery, RecoveryReport::tornBytesDropped).baseUnit("bytes")
                .description("torn tail bytes dropped by salvage at startup").register(registry);
    }

    /**
     * Unsent rows dropped by {@code path} ("retention": max_age or drop_oldest; "drop_newest"), and the
     * drops (files or requests): the same two counters for every path that drops data.
     */
    public void bindDrops(String path, DropReport r) {
        FunctionCounter.builder("cistern.unsent.dropped.rows", r, DropReport::rows).tag("path", path)
                .description("rows of data not yet uploaded that were dropped, by path").register(registry);
        FunctionCounter.builder("cistern.unsent.drops", r, DropReport::drops).tag("path", path)
                .description("drops of data not yet uploaded (files or requests), by path").register(registry);
    }

    /** Files and rows retention dropped, by reason; spool disk use by area; the over-limit flag. */
    public void bindRetention(Retention r) {
        for (DropReason reason : DropReason.values()) {
            String tag = reason.name().toLowerCase(Locale.ROOT);
            FunctionCounter.builder("cistern.retention.dropped.files", r, x -> x.filesDropped(reason)).tag("reason", tag)
                    .description("files deleted by retention, by reason").register(registry);
            FunctionCounter.builder("cistern.retention.dropped.rows", r, x -> x.rowsDropped(reason)).tag("reason", tag)
                    .description("rows in files deleted by retention, by reason").register(registry);
        }
        Gauge.builder("cistern.spool.over.limit", r, x -> x.overLimit() ? 1 : 0)
                .description("1 while the spool is over a retention limit and the overflow policy applies").register(registry);
        for (String area : new String[] {"journal", "active", "sealed", "uploaded"}) {
            Gauge.builder("cistern.spool.disk", r, x -> switch (area) {
                        case "journal" -> x.journalBytesNow(); // cheap, so live like cistern_journal_disk_bytes
                        case "active" -> x.lastUsage().active();
                        case "sealed" -> x.lastUsage().sealed();
                        default -> x.lastUsage().uploaded();
                    }).tag("area", area).baseUnit("bytes")
                    .description("bytes on disk by area: the journal now, the others as of the last retention pass").register(registry);
        }
        Gauge.builder("cistern.filesystem.free", r, x -> x.lastUsage().free()).baseUnit("bytes")
                .description("usable bytes on the data directory's filesystem").register(registry);
    }

    /** Micrometer views of an uploader's counters: outcomes, bytes, retries, breaker, queue. */
    public void bindUploader(UploaderMetrics u) {
        String dest = u.destination();
        for (UploadOutcome o : UploadOutcome.values()) {
            FunctionCounter.builder("cistern.upload.files", u, x -> x.files(o))
                    .tags("destination", dest, "outcome", o.name().toLowerCase(Locale.ROOT))
                    .description("files by upload outcome").register(registry);
        }
        FunctionCounter.builder("cistern.upload.bytes", u, UploaderMetrics::bytesUploaded).tag("destination", dest)
                .baseUnit("bytes").description("bytes the destination confirmed").register(registry);
        FunctionCounter.builder("cistern.upload.retries", u, UploaderMetrics::retries).tag("destination", dest)
                .description("upload retries scheduled").register(registry);
        for (BreakerState state : BreakerState.values()) {
            Gauge.builder("cistern.upload.breaker.state", u, x -> x.breakerState() == state ? 1 : 0)
                    .tags("destination", dest, "state", state.name().toLowerCase(Locale.ROOT))
                    .description("circuit breaker: 1 for the state it is in, 0 for the others").register(registry);
        }
        FunctionCounter.builder("cistern.upload.breaker.opened", u, UploaderMetrics::breakerOpened).tag("destination", dest)
                .description("times the breaker opened").register(registry);
        Gauge.builder("cistern.upload.queue.files", u, UploaderMetrics::waitingFiles).tag("destination", dest)
                .description("sealed files waiting to go up").register(registry);
        Gauge.builder("cistern.upload.queue.bytes", u, UploaderMetrics::waitingBytes).tag("destination", dest)
                .baseUnit("bytes").description("bytes of sealed files waiting to go up").register(registry);
        Gauge.builder("cistern.upload.oldest.waiting", u, x -> x.oldestWaitingAge().toMillis() / 1000.0).tag("destination", dest)
                .baseUnit("seconds").description("age of the oldest waiting file since it was sealed").register(registry);
        FunctionCounter.builder("cistern.upload.quarantined", u, UploaderMetrics::quarantined).tag("destination", dest)
                .description("files moved to quarantine by the uploader").register(registry);
        for (QuarantineReason reason : QuarantineReason.values()) {
            FunctionCounter.builder("cistern.quarantined.files", u, x -> x.quarantined(reason))
                    .tags("destination", dest, "reason", reason.name().toLowerCase(Locale.ROOT))
                    .description("files the uploader moved to quarantine instead of uploading them, by reason").register(registry);
        }
    }

    /** Records every upload attempt's latency in a histogram, by destination and result. */
    public UploadListener uploadListener() {
        return new UploadListener() {
            @Override
            public void attempted(String destination, boolean success, long bytes, Duration latency) {
                Timer.builder("cistern.upload.attempt").description("upload attempts and their latency")
                        .tags("destination", destination, "result", success ? "success" : "failure")
                        .publishPercentileHistogram(true).minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofMinutes(5))
                        .register(registry).record(latency);
            }
        };
    }

    public static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
