package dev.cistern.agent.config;

import dev.cistern.spool.Labels;
import dev.cistern.spool.RetentionPolicy;
import dev.cistern.spool.Rotation;
import dev.cistern.spool.StreamName;
import dev.cistern.uploader.AfterUpload;
import dev.cistern.uploader.Destinations;
import dev.cistern.uploader.UploadPolicy;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
        String defaultStream,
        List<RouteRule> rules,
        Path bearerTokenFile,
        Path keystoreFile,
        Path keystorePasswordFile,
        String uploadTo,
        RetentionPolicy retention,
        Duration retentionInterval,
        UploadPolicy uploadPolicy) {

    /** A compiled routing rule; null conditions are absent. */
    public record RouteRule(String stream, String name, String namePrefix, Pattern nameRegex, Map<String, String> labels,
                            boolean isFinal) {}

    static ResolvedConfig of(AgentConfig c) {
        if (c.dataDir == null || c.dataDir.isBlank()) throw new ConfigException("data_dir", "must name a directory");
        InetSocketAddress listen = listen(c.listen);
        if (c.spool.quality < 0 || c.spool.quality > 11) throw new ConfigException("spool.quality", "must be 0-11, was " + c.spool.quality);
        if (c.spool.window < 10 || c.spool.window > 24) throw new ConfigException("spool.window", "must be 10-24, was " + c.spool.window);
        if (c.spool.rotateRows < 1) throw new ConfigException("spool.rotate_rows", "must be at least 1, was " + c.spool.rotateRows);
        long rotateBytes = Sizes.bytes("spool.rotate_bytes", c.spool.rotateBytes);
        if (rotateBytes < 1) throw new ConfigException("spool.rotate_bytes", "must be at least 1 byte");
        Duration rotateAge = Sizes.duration("spool.rotate_age", c.spool.rotateAge);
        if (rotateAge.isZero()) throw new ConfigException("spool.rotate_age", "must be more than 0");
        String roll = c.journal.rollCycle;
        try {
            dev.cistern.agent.journal.Journal.rollCycle(roll);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException("journal.roll_cycle", "'" + roll + "' is not one of " + List.of(net.openhft.chronicle.queue.RollCycles.values()));
        }
        long maxLag = Sizes.bytes("journal.max_lag_bytes", c.journal.maxLagBytes);
        String sync = c.journal.sync == null ? "" : c.journal.sync.strip();
        if (!sync.equals("none") && !sync.equals("sync")) {
            throw new ConfigException("journal.sync", "must be none (acknowledged = in the page cache) or sync (= on disk), was '" + sync + "'");
        }
        long maxBody = Sizes.bytes("ingest.max_body_bytes", c.ingest.maxBodyBytes);
        if (maxBody < 1024 || maxBody > (1L << 30)) throw new ConfigException("ingest.max_body_bytes", "must be 1KiB-1GiB");
        if (c.ingest.threads < 1 || c.ingest.threads > 256) throw new ConfigException("ingest.threads", "must be 1-256, was " + c.ingest.threads);
        Labels statics = Labels.of(c.ingest.staticLabels);
        for (String k : c.ingest.staticLabels.keySet()) {
            if (!k.matches("[a-zA-Z_][a-zA-Z0-9_]*")) throw new ConfigException("ingest.static_labels." + k, "not a valid label name");
        }
        String def = c.routing.defaultStream == null ? "" : c.routing.defaultStream;
        if (!def.isEmpty() && !StreamName.isValid(def)) {
            throw new ConfigException("routing.default_stream", "'" + def + "' is not a stream name (lowercase letters, digits, '-', '_'; at most 64) — or \"\" to drop unmatched rows");
        }
        List<RouteRule> rules = new ArrayList<>();
        for (int i = 0; i < c.routing.rules.size(); i++) {
            AgentConfig.Rule r = c.routing.rules.get(i);
            String key = "routing.rules[" + i + "]";
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
            rules.add(new RouteRule(r.stream, r.name, r.namePrefix, regex, r.labels == null ? Map.of() : Map.copyOf(r.labels), r.isFinal));
        }
        Path token = blankToNull(c.auth.bearerTokenFile);
        if (token != null && !java.nio.file.Files.isReadable(token)) {
            throw new ConfigException("auth.bearer_token_file", token + " is not a readable file");
        }
        Path ks = blankToNull(c.tls.keystoreFile);
        Path ksPass = blankToNull(c.tls.keystorePasswordFile);
        if (ks != null && !java.nio.file.Files.isReadable(ks)) throw new ConfigException("tls.keystore_file", ks + " is not a readable file");
        if (ks != null && ksPass == null) throw new ConfigException("tls.keystore_password_file", "required when tls.keystore_file is set");
        return new ResolvedConfig(c, Path.of(c.dataDir), listen, c.spool.quality, c.spool.window,
                new Rotation(c.spool.rotateRows, rotateBytes, rotateAge), roll, sync.equals("sync"), maxLag, maxBody, statics, c.ingest.threads,
                def.isEmpty() ? null : def, List.copyOf(rules), token, ks, ksPass, c.upload.to == null ? "" : c.upload.to.strip(),
                retention(c.retention), Sizes.duration("retention.check_interval", c.retention.checkInterval),
                uploadPolicy(c.upload));
    }

    private static UploadPolicy uploadPolicy(AgentConfig.Upload u) {
        UploadPolicy.Builder b = UploadPolicy.builder();
        try {
            b.afterUpload(AfterUpload.parse(String.valueOf(u.after)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("upload.after", "must be move or delete, was '" + u.after + "'");
        }
        if (u.concurrency < 1 || u.concurrency > 64) throw new ConfigException("upload.concurrency", "must be 1-64, was " + u.concurrency);
        if (u.maxAttempts < 1 || u.maxAttempts > 100) throw new ConfigException("upload.max_attempts", "must be 1-100, was " + u.maxAttempts);
        b.concurrency(u.concurrency).dryRun(u.dryRun).maxAttempts(u.maxAttempts)
                .attemptTimeout(Sizes.duration("upload.attempt_timeout", u.attemptTimeout))
                .scanInterval(Sizes.duration("upload.scan_interval", u.scanInterval));
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
            } catch (IllegalArgumentException e) {
                throw new ConfigException("upload.to", e.getMessage());
            } catch (Exception e) {
                throw new ConfigException("upload.to", "cannot use '" + u.to + "': " + e.getMessage());
            }
        }
        return b.build();
    }

    /** Destination options from the upload section (endpoint, region, path style, API key). */
    public static Destinations.Options destinationOptions(AgentConfig.Upload u) {
        Destinations.Options o = new Destinations.Options();
        if (!blank(u.s3.endpoint)) {
            try {
                o.endpoint(java.net.URI.create(u.s3.endpoint));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("upload.s3.endpoint", "not a URL: " + u.s3.endpoint);
            }
        }
        if (!blank(u.s3.region)) o.region(u.s3.region);
        o.pathStyle(u.s3.pathStyle);
        if (!blank(u.presigned.apiKeyFile)) o.apiKeyFile(Path.of(u.presigned.apiKeyFile));
        return o;
    }

    private static RetentionPolicy retention(AgentConfig.Retention r) {
        Duration maxAge = blank(r.maxAge) ? null : Sizes.duration("retention.max_age", r.maxAge);
        long maxTotal = blank(r.maxTotalBytes) ? 0 : Sizes.bytes("retention.max_total_bytes", r.maxTotalBytes);
        long minFree = blank(r.minFreeBytes) ? 0 : Sizes.bytes("retention.min_free_bytes", r.minFreeBytes);
        if (r.minFreePercent < 0 || r.minFreePercent > 99) {
            throw new ConfigException("retention.min_free_percent", "must be 0-99, was " + r.minFreePercent);
        }
        RetentionPolicy.Overflow overflow;
        try {
            overflow = RetentionPolicy.Overflow.valueOf(String.valueOf(r.overflow).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("retention.overflow", "'" + r.overflow + "' is not one of block, drop_oldest, drop_newest");
        }
        if (maxAge != null && maxAge.isZero()) throw new ConfigException("retention.max_age", "must be more than 0, or empty for no limit");
        return new RetentionPolicy(maxAge, maxTotal, minFree, r.minFreePercent, overflow);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Path blankToNull(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    private static InetSocketAddress listen(String s) {
        int colon = s == null ? -1 : s.lastIndexOf(':');
        if (colon < 0) throw new ConfigException("listen", "'" + s + "' must be HOST:PORT, e.g. 127.0.0.1:9464");
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("listen", "'" + s + "' has no valid port");
        }
        if (port < 0 || port > 65535) throw new ConfigException("listen", "port must be 0-65535, was " + port);
        return new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, port);
    }
}
