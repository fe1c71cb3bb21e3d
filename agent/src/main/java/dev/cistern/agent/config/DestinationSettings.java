package dev.cistern.agent.config;

import dev.cistern.uploader.Destinations;
import dev.cistern.uploader.KeyTemplate;
import dev.cistern.uploader.UploadPolicy;
import dev.cistern.uploader.s3.AssumedRole;
import dev.cistern.uploader.s3.ObjectSettings;
import java.net.URI;
import java.nio.file.Path;

/** The upload keys that shape the destination (keys, S3 object settings, role, parts) and the library's policy extras. */
final class DestinationSettings {
    private DestinationSettings() {}

    static Destinations.Options of(AgentConfig.Upload u) {
        Destinations.Options o = new Destinations.Options();
        AgentConfig.S3 s3 = u.s3;
        if (!blank(s3.endpoint)) o.endpoint(uri("upload.s3.endpoint", s3.endpoint));
        if (!blank(s3.region)) o.region(s3.region);
        o.pathStyle(s3.pathStyle);
        if (!blank(u.presigned.apiKeyFile)) o.apiKeyFile(Path.of(u.presigned.apiKeyFile));
        if (!blank(u.presigned.apiKeyHeader)) o.apiKeyHeader(u.presigned.apiKeyHeader.strip());
        try {
            o.keyTemplate(KeyTemplate.of(u.keyTemplate));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("upload.key_template", e.getMessage());
        }
        o.multipartThreshold(partBytes("upload.s3.multipart_threshold", s3.multipartThreshold));
        o.partSize(partBytes("upload.s3.part_size", s3.partSize));
        try {
            o.objects(new ObjectSettings(orNull(s3.storageClass), orNull(s3.sse), orNull(s3.sseKmsKeyId), s3.tags));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage().startsWith("storage class") ? "upload.s3.storage_class"
                    : e.getMessage().contains("tag") ? "upload.s3.tags" : "upload.s3.sse", e.getMessage());
        }
        if (!blank(s3.roleArn)) {
            try {
                o.assumeRole(new AssumedRole(s3.roleArn.strip(), orNull(s3.roleSessionName), orNull(s3.roleExternalId),
                        blank(s3.stsEndpoint) ? null : uri("upload.s3.sts_endpoint", s3.stsEndpoint)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("upload.s3.role_arn", e.getMessage());
            }
        }
        return o;
    }

    /** permanent_failure_limit, permanent_retry_delay and min_bytes_per_second. */
    static void policy(UploadPolicy.Builder b, AgentConfig.Upload u) {
        if (u.permanentFailureLimit < 1 || u.permanentFailureLimit > 1000) {
            throw new ConfigException("upload.permanent_failure_limit", "must be 1-1000, was " + u.permanentFailureLimit);
        }
        b.permanentFailureLimit(u.permanentFailureLimit)
                .permanentRetryDelay(Sizes.duration("upload.permanent_retry_delay", u.permanentRetryDelay));
        long rate = Sizes.bytes("upload.min_bytes_per_second", u.minBytesPerSecond);
        if (rate < 1) throw new ConfigException("upload.min_bytes_per_second", "must be at least 1 byte");
        b.minBytesPerSecond(rate);
    }

    private static long partBytes(String key, String value) {
        long n = Sizes.bytes(key, value);
        if (n < 5L << 20) throw new ConfigException(key, "S3 parts are at least 5MiB, was " + value);
        return n;
    }

    private static URI uri(String key, String value) {
        try {
            URI u = URI.create(value.strip());
            if (u.getScheme() == null || u.getHost() == null) throw new IllegalArgumentException();
            return u;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "not a URL: " + value);
        }
    }

    private static String orNull(String s) {
        return blank(s) ? null : s.strip();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
