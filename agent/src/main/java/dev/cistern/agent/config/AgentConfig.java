package dev.cistern.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cistern.spool.SpoolConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent's configuration, bound from YAML (keys in snake_case). Every default lives here, and
 * {@code cistern run --print-config} prints what is in force. Validation is in {@link ConfigLoader}.
 */
public final class AgentConfig {
    @JsonProperty("data_dir") public String dataDir = "data";
    @JsonProperty("listen") public String listen = "127.0.0.1:9464";
    @JsonProperty("spool") public Spool spool = new Spool();
    @JsonProperty("journal") public Journal journal = new Journal();
    @JsonProperty("ingest") public Ingest ingest = new Ingest();
    @JsonProperty("server") public Server server = new Server();
    @JsonProperty("routing") public Routing routing = new Routing();
    @JsonProperty("auth") public Auth auth = new Auth();
    @JsonProperty("tls") public Tls tls = new Tls();
    @JsonProperty("upload") public Upload upload = new Upload();
    @JsonProperty("retention") public Retention retention = new Retention();
    @JsonProperty("shutdown") public Shutdown shutdown = new Shutdown();
    @JsonProperty("admin") public Admin admin = new Admin();

    /** The admin listener: POST /-/reload (and /metrics, /healthz, /readyz); see docs/operations.md, "Reloading the config". */
    public static final class Admin {
        /** HOST:PORT; empty: no admin listener (SIGHUP still reloads). Same bearer token and TLS as listen. */
        @JsonProperty("listen") public String listen = "";
    }

    /** What a stop (SIGTERM) may take; see docs/operations.md, "Stopping". */
    public static final class Shutdown {
        /** From SIGTERM to exit at most (plus a few seconds): what is not sealed by then stays in the journal for the next start. */
        @JsonProperty("drain_timeout") public String drainTimeout = "30s";
    }

    public static final class Spool {
        /** {@code auto}: each segment's quality follows the backlog, within quality_min..quality_max; or a fixed quality 0-11. */
        @JsonProperty("quality") public String quality = QualitySettings.AUTO;
        @JsonProperty("quality_min") public int qualityMin = QualitySettings.DEFAULT_MIN;
        @JsonProperty("quality_max") public int qualityMax = QualitySettings.DEFAULT_MAX;
        @JsonProperty("window") public int window = SpoolConfig.DEFAULT_WINDOW;
        @JsonProperty("rotate_rows") public long rotateRows = 250_000;
        @JsonProperty("rotate_bytes") public String rotateBytes = "64MiB";
        @JsonProperty("rotate_age") public String rotateAge = "60s";
        /** Samples a lane holds back to write grouped by series (smaller files, less CPU); 0: in arrival order. */
        @JsonProperty("series_block_rows") public int seriesBlockRows = SpoolConfig.DEFAULT_SERIES_BLOCK_ROWS;
        /** A sealer lane that writes nothing this long while journal entries wait is stalled: acknowledging stops until it moves. */
        @JsonProperty("stall_timeout") public String stallTimeout = "60s";
        /** Applier lanes (threads that write journal entries into the spool, one shard each); see docs/operations.md. */
        @JsonProperty("lanes") public int lanes = LaneSettings.DEFAULT_LANES;
    }

    public static final class Journal {
        /** Chronicle roll cycle: consumed cycles are deleted whole, so shorter cycles free disk sooner. */
        @JsonProperty("roll_cycle") public String rollCycle = "FIVE_MINUTELY";
        /** Ingest answers 503 with Retry-After while this many journal bytes wait to be sealed. */
        @JsonProperty("max_lag_bytes") public String maxLagBytes = "1GiB";
        /**
         * Above this lag each ingest request waits (up to 2 s) for the sealer lanes before it is taken, and adaptive
         * quality is at its floor; blank: a sixteenth of max_lag_bytes, at most a sixteenth of the heap (what the lanes are
         * handed of decoded rows). max_lag_bytes itself: no pacing.
         */
        @JsonProperty("pace_above_bytes") public String paceAboveBytes = "";
        /**
         * {@code none}: an acknowledged request is in the OS page cache (survives a process crash);
         * {@code sync}: it is on disk (survives an OS crash or power loss), at the cost of a sync per request.
         */
        @JsonProperty("sync") public String sync = "none";
    }

    public static final class Ingest {
        /** Limit on a request body, and separately on its decompressed size. */
        @JsonProperty("max_body_bytes") public String maxBodyBytes = "16MiB";
        @JsonProperty("static_labels") public Map<String, String> staticLabels = new LinkedHashMap<>();
        /**
         * HTTP threads that decode and journal requests. By default one a core, 2-4: the work is CPU-bound, and past the
         * cores the threads only take turns, each with its own series cache (on 2 cores, 2 threads took 0.95-1.10 µs a
         * sample where 4 took 0.94-1.21; docs/benchmarks.md, "The lanes' and the series cache's memory traffic").
         */
        @JsonProperty("threads") public int threads = defaultThreads(Runtime.getRuntime().availableProcessors());
        @JsonProperty("ndjson") public Ndjson ndjson = new Ndjson();
        @JsonProperty("remote_write") public RemoteWrite remoteWrite = new RemoteWrite();

        /** {@code ingest.threads} when the config does not say: one a core, at least 2 and at most 4. */
        static int defaultThreads(int cores) {
            return Math.max(2, Math.min(4, cores));
        }
    }

    public static final class Ndjson {
        /** Objects and arrays nested deeper than this in a line are refused (jq stops at 256). */
        @JsonProperty("max_depth") public int maxDepth = 64;
        /** Stream names not in this configuration that clients may write to (each holds an open segment per lane); 0-10000. */
        @JsonProperty("max_streams") public int maxStreams = 32;
        /** Where rows carry their event time, for every stream not under streams; see docs/operations.md, "NDJSON event time". */
        @JsonProperty("event_time") public EventTime eventTime = new EventTime("ts", "epoch_ms", "arrival");
        /** Per stream name: its own event_time (keys left out are event_time's above). */
        @JsonProperty("streams") public Map<String, NdjsonStream> streams = new TreeMap<>();
    }

    public static final class NdjsonStream {
        @JsonProperty("event_time") public EventTime eventTime = new EventTime();
    }

    /** A row's event time: its top-level field, how it is written, and what a value that does not parse gets. */
    public static final class EventTime {
        @JsonProperty("field") public String field;
        /** epoch_ms, epoch_s, epoch_us, epoch_ns (numbers, fractions taken), rfc3339 (strings) or auto. */
        @JsonProperty("format") public String format;
        /** arrival (stored under its arrival time) or reject (the request is refused with 400); counted either way. */
        @JsonProperty("on_unparsable") public String onUnparsable;

        public EventTime() {}

        EventTime(String field, String format, String onUnparsable) {
            this.field = field;
            this.format = format;
            this.onUnparsable = onUnparsable;
        }
    }

    /** What to do with content Prometheus itself refuses or drops; see docs/operations.md. */
    public static final class RemoteWrite {
        /** Series with invalid or duplicate label names or an invalid metric name: reject (400) or drop (counted). */
        @JsonProperty("invalid_series") public String invalidSeries = "reject";
        /** Staleness markers: keep (stored as "value":"stale") or drop (counted). */
        @JsonProperty("stale_markers") public String staleMarkers = "keep";
        /** Samples older than this, or further ahead than max_future, are out of the window. */
        @JsonProperty("max_age") public String maxAge = "7d";
        @JsonProperty("max_future") public String maxFuture = "10m";
        /** Samples out of the window: reject (400) or drop (counted). */
        @JsonProperty("out_of_window") public String outOfWindow = "reject";
        /** Exemplars: keep (stored as rows of their own) or drop (counted). */
        @JsonProperty("exemplars") public String exemplars = "keep";
        /** Metadata (type, help, unit, created timestamp): keep (rows of their own) or drop (counted). */
        @JsonProperty("metadata") public String metadata = "keep";
    }

    /** What the HTTP front lets clients hold; see docs/operations.md. */
    public static final class Server {
        /** Open connections at once; more are accepted and closed at once. */
        @JsonProperty("max_connections") public int maxConnections = 1024;
        /** Time to send the request headers, from connecting or from the request's first byte: else 408 and closed. */
        @JsonProperty("header_timeout") public String headerTimeout = "10s";
        /** Time a kept-alive connection may wait for its next request. */
        @JsonProperty("idle_timeout") public String idleTimeout = "120s";
        /** A body may take this long before body_min_rate applies. */
        @JsonProperty("body_grace") public String bodyGrace = "10s";
        /** Bytes a second a body must average after body_grace: else 408 and closed. */
        @JsonProperty("body_min_rate") public String bodyMinRate = "16KiB";
        /** Request bytes held at once over all connections, bodies and what they decode to (else 503); empty: a sixth of the heap. */
        @JsonProperty("max_inflight_bytes") public String maxInflightBytes = "";
        /** How long a request being decoded waits for room in max_inflight_bytes before its 503. */
        @JsonProperty("inflight_wait") public String inflightWait = "2s";
        /** Ingest requests waiting for one of ingest.threads; more are answered 503 at once. */
        @JsonProperty("max_queued_requests") public int maxQueuedRequests = 1024;
        /** Netty's transport: auto (epoll where its native library loads, else nio), epoll (or refuse to start), nio. */
        @JsonProperty("transport") public String transport = "auto";
    }

    public static final class Routing {
        /** Stream for rows no rule matched; empty string drops them (counted). */
        @JsonProperty("default_stream") public String defaultStream = "metrics";
        @JsonProperty("rules") public List<Rule> rules = new ArrayList<>();
        /** Per-stream settings by stream name; streams not listed are Brotli at spool.quality (or auto) and spool.window. */
        @JsonProperty("streams") public Map<String, StreamSettings> streams = new LinkedHashMap<>();
    }

    /** How one stream's segments are written (docs/operations.md, "Codecs"). */
    public static final class StreamSettings {
        /** brotli (the default), zstd or gzip. */
        @JsonProperty("codec") public String codec = "brotli";
        /**
         * Brotli quality 0-11, zstd level 1-22, gzip level 1-9; set, it stays under spool.quality auto. Unset: adaptive with
         * auto (Brotli quality_min-quality_max, zstd 1-9, gzip 1-6), else spool.quality, 3, 6.
         */
        @JsonProperty("level") public Integer level;
        /** Brotli window 10-24 (default spool.window); zstd long-distance window 10-27, 0 off (the default); not for gzip. */
        @JsonProperty("window") public Integer window;
    }

    /** Sends matching rows to a stream. All given conditions must hold. */
    public static final class Rule {
        @JsonProperty("stream") public String stream;
        @JsonProperty("name") public String name;
        @JsonProperty("name_prefix") public String namePrefix;
        @JsonProperty("name_regex") public String nameRegex;
        @JsonProperty("labels") public Map<String, String> labels = new LinkedHashMap<>();
        /** Stop at this rule when it matches (otherwise later rules may add more streams). */
        @JsonProperty("final") public boolean isFinal;
    }

    public static final class Auth {
        /** File holding the bearer token clients must send; empty disables auth. */
        @JsonProperty("bearer_token_file") public String bearerTokenFile = "";
    }

    public static final class Tls {
        /** PEM certificate chain (leaf first) and its private key; or a PKCS12 keystore. Neither serves plain HTTP. */
        @JsonProperty("cert_file") public String certFile = "";
        @JsonProperty("key_file") public String keyFile = "";
        /** PKCS12 keystore with the server certificate, and the file holding its password. */
        @JsonProperty("keystore_file") public String keystoreFile = "";
        @JsonProperty("keystore_password_file") public String keystorePasswordFile = "";
        /** PEM CA bundle: when set, clients must present a certificate that chains to it (mTLS). */
        @JsonProperty("client_ca_file") public String clientCaFile = "";
        /** How often the files are checked for changes (rotated certificates are picked up without a restart). */
        @JsonProperty("reload_interval") public String reloadInterval = "10s";
    }

    /** Bounds on disk use; see docs/operations.md. Empty or 0 turns a bound off. */
    public static final class Retention {
        /** Files in sealed/ and uploaded/ older than this (since sealing) are dropped. */
        @JsonProperty("max_age") public String maxAge = "";
        /** Files in uploaded/ (sent, kept for `cistern replay`) older than this are dropped; empty keeps them. */
        @JsonProperty("uploaded_max_age") public String uploadedMaxAge = "24h";
        /** journal + active + sealed + uploaded. */
        @JsonProperty("max_total_bytes") public String maxTotalBytes = "";
        /** Free space to keep on the data directory's filesystem. */
        @JsonProperty("min_free_bytes") public String minFreeBytes = "256MiB";
        @JsonProperty("min_free_percent") public int minFreePercent = 0;
        /** block (503 + Retry-After), drop_oldest (unsent files), drop_newest (incoming rows). */
        @JsonProperty("overflow") public String overflow = "block";
        @JsonProperty("check_interval") public String checkInterval = "5s";
    }

    /** See docs/uploader.md. */
    public static final class Upload {
        /** Destination URL: file:///dir, s3://bucket/prefix, presigned+https://...; empty: upload off. */
        @JsonProperty("to") public String to = "file:./uploads";
        /** move (keep in uploaded/ for replay) or delete. */
        @JsonProperty("after") public String after = "move";
        @JsonProperty("concurrency") public int concurrency = 2;
        @JsonProperty("dry_run") public boolean dryRun = false;
        @JsonProperty("attempt_timeout") public String attemptTimeout = "30s";
        @JsonProperty("max_attempts") public int maxAttempts = 5;
        @JsonProperty("scan_interval") public String scanInterval = "5s";
        @JsonProperty("backoff") public String backoff = "250ms";
        @JsonProperty("backoff_max") public String backoffMax = "60s";
        @JsonProperty("breaker_failure_rate") public int breakerFailureRate = 50;
        @JsonProperty("breaker_min_attempts") public int breakerMinAttempts = 10;
        @JsonProperty("breaker_window") public String breakerWindow = "1m";
        @JsonProperty("breaker_open_for") public String breakerOpenFor = "30s";
        /** Object keys: {stream}, {date}, {hour}, {file} and the prefix of the destination URL before them. */
        @JsonProperty("key_template") public String keyTemplate = "{stream}/dt={date}/hour={hour}/{file}";
        /** Permanent failures (4xx) of one file before it is quarantined, and the wait between them. */
        @JsonProperty("permanent_failure_limit") public int permanentFailureLimit = 3;
        @JsonProperty("permanent_retry_delay") public String permanentRetryDelay = "5m";
        /** An attempt's timeout grows with the file: at least this many bytes per second must go through. */
        @JsonProperty("min_bytes_per_second") public String minBytesPerSecond = "256KiB";
        @JsonProperty("s3") public S3 s3 = new S3();
        @JsonProperty("presigned") public Presigned presigned = new Presigned();
    }

    public static final class S3 {
        /** S3-compatible store, e.g. http://minio:9000; empty: AWS. */
        @JsonProperty("endpoint") public String endpoint = "";
        /** Empty: the SDK's region chain. */
        @JsonProperty("region") public String region = "";
        @JsonProperty("path_style") public boolean pathStyle = false;
        /** Empty: the bucket's default (STANDARD); e.g. STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR. */
        @JsonProperty("storage_class") public String storageClass = "";
        /** Server-side encryption: empty (the bucket's default), AES256 (SSE-S3) or aws:kms (SSE-KMS). */
        @JsonProperty("sse") public String sse = "";
        @JsonProperty("sse_kms_key_id") public String sseKmsKeyId = "";
        /** Tags put on every object (at most 10). */
        @JsonProperty("tags") public Map<String, String> tags = new TreeMap<>();
        /** Upload as this IAM role, assumed through STS with the default credentials. */
        @JsonProperty("role_arn") public String roleArn = "";
        @JsonProperty("role_session_name") public String roleSessionName = "cistern";
        @JsonProperty("role_external_id") public String roleExternalId = "";
        /** STS endpoint for the role (empty: AWS's own). */
        @JsonProperty("sts_endpoint") public String stsEndpoint = "";
        /** Files larger than this go up in parts of part_size (both at least 5MiB). */
        @JsonProperty("multipart_threshold") public String multipartThreshold = "64MiB";
        @JsonProperty("part_size") public String partSize = "16MiB";
    }

    public static final class Presigned {
        @JsonProperty("api_key_file") public String apiKeyFile = "";
        @JsonProperty("api_key_header") public String apiKeyHeader = "X-Api-Key";
    }
}
