package dev.cistern.agent.config;

import dev.cistern.agent.http.ServerLimits;
import dev.cistern.agent.journal.Journal;
import dev.cistern.agent.ndjson.EventTimes;
import dev.cistern.agent.ndjson.StreamAdmission;
import dev.cistern.agent.remotewrite.KeptKinds;
import dev.cistern.agent.remotewrite.RemoteWriteRules;
import dev.cistern.agent.routing.RouteRule;
import dev.cistern.agent.routing.Router;
import dev.cistern.spool.CodecSettings;
import dev.cistern.spool.Labels;
import dev.cistern.spool.RetentionPolicy;
import dev.cistern.spool.Rotation;
import dev.cistern.spool.StreamName;
import dev.cistern.uploader.AfterUpload;
import dev.cistern.uploader.Destinations;
import dev.cistern.uploader.UploadPolicy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import net.openhft.chronicle.queue.RollCycles;

/** A validated configuration with its values parsed: sizes in bytes, durations, compiled rules. */
public record ResolvedConfig(
        AgentConfig raw,
        Path dataDir,
        InetSocketAddress listen,
        int quality,
        int window,
        Rotation rotation,
        String rollCycle,
        boolean journalSync,
        long maxLagBytes,
        long maxBodyBytes,
        Labels staticLabels,
        int ingestThreads,
        int ndjsonMaxDepth,
        RemoteWriteRules remoteWriteRules,
        String defaultStream,
        List<RouteRule> rules,
        Path bearerTokenFile,
        Path keystoreFile,
        Path keystorePasswordFile,
        String uploadTo,
        RetentionPolicy retention,
        Duration retentionInterval,
        UploadPolicy uploadPolicy,
        ServerLimits server) {

    /** Checks a configuration and parses its values; every problem is a {@link ConfigException} naming its key. */
    static ResolvedConfig of(AgentConfig c) {
        if (c.dataDir == null || c.dataDir.isBlank()) throw new ConfigException("data_dir", "must name a directory");
        InetSocketAddress listen = listen("listen", c.listen);
        Rotation rotation = spool(c.spool);
        String roll = rollCycle(c.journal.rollCycle);
        long maxLag = Sizes.bytes("journal.max_lag_bytes", c.journal.maxLagBytes);
        PaceSettings.paceAbove(c.journal, maxLag); // checked now, read again by PaceSettings.of
        boolean sync = journalSync(c.journal.sync);
        long maxBody = Sizes.bytes("ingest.max_body_bytes", c.ingest.maxBodyBytes);
        if (maxBody < 1024 || maxBody > (1L << 30)) throw new ConfigException("ingest.max_body_bytes", "must be 1KiB-1GiB");
        if (c.ingest.threads < 1 || c.ingest.threads > 256) {
            throw new ConfigException("ingest.threads", "must be 1-256, was " + c.ingest.threads);
        }
        Labels statics = staticLabels(c.ingest.staticLabels);
        int maxDepth = c.ingest.ndjson.maxDepth;
        if (maxDepth < 1 || maxDepth > 512) throw new ConfigException("ingest.ndjson.max_depth", "must be 1-512, was " + maxDepth);
        EventTimeSettings.of(c.ingest.ndjson); // checked now, read again by ndjsonEventTimes()
        NdjsonStreamSettings.of(c); // checked now, read again by ndjsonStreams()
        String def = defaultStream(c.routing.defaultStream);
        List<RouteRule> rules = rules(c.routing.rules);
        checkStreamCount(rules, def);
        StreamCodecs.of(c); // checked now, read again by streamCodecs()
        Path token = readableFile("auth.bearer_token_file", c.auth.bearerTokenFile);
        Path ks = readableFile("tls.keystore_file", c.tls.keystoreFile);
        Path ksPass = blankToNull(c.tls.keystorePasswordFile);
        if (ks != null && ksPass == null) throw new ConfigException("tls.keystore_password_file", "required when tls.keystore_file is set");
        TlsSettings.of(c.tls); // checked now, read again by tls()
        if (!blank(c.admin.listen)) listen("admin.listen", c.admin.listen); // checked now, read again by adminListen()
        int quality = QualitySettings.of(c.spool).fixed();
        return new ResolvedConfig(c, Path.of(c.dataDir), listen, quality, c.spool.window, rotation, roll, sync, maxLag, maxBody,
                statics, c.ingest.threads, maxDepth, RemoteWriteSettings.rules(c.ingest.remoteWrite), def, rules, token, ks, ksPass,
                c.upload.to == null ? "" : c.upload.to.strip(),
                RetentionSettings.of(c.retention), Sizes.duration("retention.check_interval", c.retention.checkInterval),
                uploadPolicy(c.upload), ServerSettings.of(c.server, maxBody, c.ingest.threads));
    }

    /** The streams that chose a codec ({@code routing.streams}); the others are Brotli at quality and window. */
    public Map<String, CodecSettings> streamCodecs() {
        return StreamCodecs.of(raw);
    }

    /** Which extra remote_write rows are stored: {@code ingest.remote_write.exemplars} and {@code .metadata}. */
    public KeptKinds remoteWriteKept() {
        return RemoteWriteSettings.kept(raw.ingest.remoteWrite);
    }

    /** Each NDJSON stream's event-time field and format: {@code ingest.ndjson.event_time} and {@code .streams}. */
    public EventTimes ndjsonEventTimes() {
        return EventTimeSettings.of(raw.ingest.ndjson);
    }

    /** {@code ingest.ndjson.max_streams}, and the streams this configuration names (always taken). */
    public StreamAdmission.Limit ndjsonStreams() {
        return NdjsonStreamSettings.of(raw);
    }

    /** Checks the spool's compression settings and returns its rotation limits. */
    private static Rotation spool(AgentConfig.Spool s) {
        QualitySettings.of(s); // checked now, read again by qualitySettings()
        if (s.window < 10 || s.window > 24) throw new ConfigException("spool.window", "must be 10-24, was " + s.window);
        if (s.rotateRows < 1) throw new ConfigException("spool.rotate_rows", "must be at least 1, was " + s.rotateRows);
        long rotateBytes = Sizes.bytes("spool.rotate_bytes", s.rotateBytes);
        if (rotateBytes < 1) throw new ConfigException("spool.rotate_bytes", "must be at least 1 byte");
        Duration rotateAge = Sizes.duration("spool.rotate_age", s.rotateAge);
        if (rotateAge.isZero()) throw new ConfigException("spool.rotate_age", "must be more than 0");
        LaneSettings.seriesBlockRows(s);
        return new Rotation(s.rotateRows, rotateBytes, rotateAge);
    }

    private static String rollCycle(String roll) {
        try {
            Journal.rollCycle(roll);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException("journal.roll_cycle", "'" + roll + "' is not one of " + List.of(RollCycles.values()));
        }
        return roll;
    }

    /** True for {@code sync}, false for {@code none}. */
    private static boolean journalSync(String value) {
        String sync = value == null ? "" : value.strip();
        if (!sync.equals("none") && !sync.equals("sync")) {
            throw new ConfigException("journal.sync",
                    "must be none (acknowledged = in the page cache) or sync (= on disk), was '" + sync + "'");
        }
        return sync.equals("sync");
    }

    private static Labels staticLabels(Map<String, String> labels) {
        Labels statics = Labels.of(labels);
        for (String k : labels.keySet()) {
            if (!k.matches("[a-zA-Z_][a-zA-Z0-9_]*")) throw new ConfigException("ingest.static_labels." + k, "not a valid label name");
        }
        return statics;
    }

    /** The default stream, or null when unmatched rows are dropped. */
    private static String defaultStream(String value) {
        String def = value == null ? "" : value;
        if (!def.isEmpty() && !StreamName.isValid(def)) {
            throw new ConfigException("routing.default_stream", "'" + def + "' is not a stream name"
                    + " (lowercase letters, digits, '-', '_'; at most 64) — or \"\" to drop unmatched rows");
        }
        return def.isEmpty() ? null : def;
    }

    private static List<RouteRule> rules(List<AgentConfig.Rule> configured) {
        List<RouteRule> rules = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) rules.add(rule("routing.rules[" + i + "]", configured.get(i)));
        return List.copyOf(rules);
    }

    private static RouteRule rule(String key, AgentConfig.Rule r) {
        if (r == null) throw new ConfigException(key, "empty rule");
        if (!StreamName.isValid(r.stream)) throw new ConfigException(key + ".stream", "'" + r.stream + "' is not a stream name");
        Pattern regex = null;
        if (r.nameRegex != null) {
            try {
                regex = Pattern.compile(r.nameRegex);
            } catch (PatternSyntaxException e) {
                throw new ConfigException(key + ".name_regex", "invalid regex: " + e.getDescription());
            }
        }
        if (r.name == null && r.namePrefix == null && regex == null && (r.labels == null || r.labels.isEmpty())) {
            throw new ConfigException(key, "needs at least one of name, name_prefix, name_regex, labels");
        }
        return new RouteRule(r.stream, r.name, r.namePrefix, regex, r.labels == null ? Map.of() : Map.copyOf(r.labels), r.isFinal);
    }

    /** A route is one bit per stream in a {@code long}: name the rule (or the default) that brings the first stream too many. */
    private static void checkStreamCount(List<RouteRule> rules, String defaultStream) {
        List<String> streams = Router.streams(rules, defaultStream);
        if (streams.size() <= Router.MAX_STREAMS) return;
        String extra = streams.get(Router.MAX_STREAMS);
        String key = "routing.default_stream";
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).stream().equals(extra)) {
                key = "routing.rules[" + i + "].stream";
                break;
            }
        }
        throw new ConfigException(key, "'" + extra + "' is stream number " + (Router.MAX_STREAMS + 1)
                + "; routing sends rows to at most " + Router.MAX_STREAMS + " distinct streams");
    }

    /** A file that must be readable when named; null when blank. */
    private static Path readableFile(String key, String value) {
        Path p = blankToNull(value);
        if (p != null && !Files.isReadable(p)) throw new ConfigException(key, p + " is not a readable file");
        return p;
    }

    private static UploadPolicy uploadPolicy(AgentConfig.Upload u) {
        UploadPolicy.Builder b = UploadPolicy.builder();
        try {
            b.afterUpload(AfterUpload.parse(String.valueOf(u.after)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("upload.after", "must be move or delete, was '" + u.after + "'");
        }
        if (u.concurrency < 1 || u.concurrency > 64) throw new ConfigException("upload.concurrency", "must be 1-64, was " + u.concurrency);
        if (u.maxAttempts < 1 || u.maxAttempts > 100) {
            throw new ConfigException("upload.max_attempts", "must be 1-100, was " + u.maxAttempts);
        }
        b.concurrency(u.concurrency).dryRun(u.dryRun).maxAttempts(u.maxAttempts)
                .attemptTimeout(Sizes.duration("upload.attempt_timeout", u.attemptTimeout))
                .scanInterval(Sizes.duration("upload.scan_interval", u.scanInterval));
        DestinationSettings.policy(b, u);
        try {
            b.backoff(Sizes.duration("upload.backoff", u.backoff), Sizes.duration("upload.backoff_max", u.backoffMax));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("upload.backoff", e.getMessage());
        }
        try {
            b.breaker(u.breakerFailureRate, u.breakerMinAttempts, Sizes.duration("upload.breaker_window", u.breakerWindow),
                    Sizes.duration("upload.breaker_open_for", u.breakerOpenFor));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("upload.breaker_failure_rate", e.getMessage());
        }
        if (!blank(u.to)) {
            try {
                Destinations.fromUri(u.to, destinationOptions(u)).close();
            } catch (ConfigException e) {
                throw e; // a destination setting, already named
            } catch (IllegalArgumentException e) {
                throw new ConfigException("upload.to", e.getMessage());
            } catch (Exception e) {
                throw new ConfigException("upload.to", "cannot use '" + u.to + "': " + e.getMessage());
            }
        }
        return b.build();
    }

    /** Destination options from the upload section (endpoint, region, keys, S3 object settings, role). */
    public static Destinations.Options destinationOptions(AgentConfig.Upload u) {
        return DestinationSettings.of(u);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Path blankToNull(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    private static InetSocketAddress listen(String key, String s) {
        int colon = s == null ? -1 : s.lastIndexOf(':');
        if (colon < 0) throw new ConfigException(key, "'" + s + "' must be HOST:PORT, e.g. 127.0.0.1:9464");
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + s + "' has no valid port");
        }
        if (port < 0 || port > 65535) throw new ConfigException(key, "port must be 0-65535, was " + port);
        return new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, port);
    }
    /** Fixed or adaptive quality; {@link #quality()} is the fixed quality, or the ceiling when adaptive. */
    public QualitySettings qualitySettings() { return QualitySettings.of(raw()); }

    /** The TLS files and how often to check them for changes. */
    public TlsSettings tls() { return TlsSettings.of(raw().tls); }

    /** Where the admin listener (POST /-/reload) listens, or null when {@code admin.listen} is empty (off). */
    public InetSocketAddress adminListen() { return blank(raw.admin.listen) ? null : listen("admin.listen", raw.admin.listen); }
}
