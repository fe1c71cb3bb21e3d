package dev.cistern.uploader.s3;

import dev.cistern.spool.SegmentName;
import dev.cistern.uploader.Destination;
import dev.cistern.uploader.DestinationException;
import dev.cistern.uploader.FileChecksum;
import dev.cistern.uploader.ObjectHeaders;
import dev.cistern.uploader.KeyTemplate;
import dev.cistern.uploader.UploadItem;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads to an S3 bucket (or an S3-compatible store) with the AWS SDK v2 over its
 * HttpURLConnection client. Credentials come from the SDK's default provider chain (environment,
 * system properties, profile, container or instance role) and are never logged.
 *
 * <p>Every request carries a CRC32C checksum, so S3 rejects a body damaged in transit: a single PUT
 * the whole file's CRC32C the uploader verified before shipping ({@code x-amz-checksum-crc32c}),
 * each part of a multipart upload one the SDK computes as it streams (sent as a trailer). The
 * object says what it is ({@link ObjectHeaders}: NDJSON, its codec, rows, event times, CRC32Cs). Files up to
 * {@link Builder#multipartThreshold(long)} go in one PUT streamed from disk; larger files go as a
 * multipart upload, one part at a time, each part streamed from its place in the file. The SDK's
 * own retries are off: the uploader's Failsafe policy retries.
 */
public final class S3Destination implements Destination {
    private static final Logger LOG = Logger.getLogger(S3Destination.class.getName());
    private static final int MAX_PARTS = 10_000;
    private static final long MIN_PART = 5L << 20;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final KeyTemplate template;
    private final long multipartThreshold;
    private final long partSize;
    private final String name;
    private final ObjectSettings objects;

    private S3Destination(Builder b) {
        this.objects = b.objects;
        this.bucket = b.bucket;
        this.prefix = b.prefix;
        this.template = b.template;
        this.multipartThreshold = b.multipartThreshold;
        this.partSize = b.partSize;
        this.name = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        Region region = b.region != null ? b.region : defaultRegion(b.endpoint);
        AwsCredentialsProvider credentials = b.credentials != null ? b.credentials : DefaultCredentialsProvider.builder().build();
        if (b.role != null) credentials = b.role.provider(region, credentials);
        var client = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(b.connectTimeout)
                        .socketTimeout(b.socketTimeout)
                        .build())
                .region(region)
                .credentialsProvider(credentials)
                .forcePathStyle(b.pathStyle)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (b.endpoint != null) client.endpointOverride(b.endpoint);
        this.s3 = client.build();
    }

    /** A destination for this bucket; see {@link Builder} for the rest. */
    public static Builder builder(String bucket) {
        return new Builder(bucket);
    }

    private static Region defaultRegion(URI endpoint) {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkException e) {
            // An S3-compatible store usually ignores the region, but requests must still be signed for one.
            if (endpoint != null) return Region.US_EAST_1;
            throw new IllegalArgumentException("no AWS region for bucket: set --region (s3.region in the config) "
                    + "or the AWS_REGION environment variable");
        }
    }

    public String bucket() { return bucket; }
    public String prefix() { return prefix; }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String keyFor(SegmentName segment) {
        return template.key(prefix, segment);
    }

    @Override
    public void put(UploadItem item) throws IOException {
        String where = "s3://" + bucket + "/" + item.key();
        try {
            if (item.bytes() <= multipartThreshold) putWhole(item);
            else putInParts(item, where);
        } catch (SdkException e) {
            if (Thread.currentThread().isInterrupted()) throw new InterruptedIOException("upload of " + where + " interrupted");
            throw S3Failures.classify(e, where);
        }
    }

    /**
     * The attempt timeout only: SDK retries are off, so one call is one attempt. (Setting
     * apiCallTimeout as well cost about 12% of upload throughput in the side-by-side benchmark.)
     */
    private AwsRequestOverrideConfiguration timeout(Duration d) {
        return AwsRequestOverrideConfiguration.builder().apiCallAttemptTimeout(d).build();
    }

    /**
     * With the checksum the uploader verified the file with, S3 checks the body against it (so a file
     * changed after the check is refused, not stored); without one, the SDK computes it as it streams.
     */
    private void putWhole(UploadItem item) {
        PutObjectRequest.Builder b = PutObjectRequest.builder()
                .bucket(bucket)
                .key(item.key())
                .contentLength(item.bytes())
                .contentType(ObjectHeaders.contentType(item))
                .contentEncoding(ObjectHeaders.contentEncoding(item))
                .metadata(ObjectHeaders.metadata(item))
                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                .overrideConfiguration(timeout(item.timeout()));
        FileChecksum c = item.checksum();
        if (c != null) b.checksumCRC32C(c.crc32cBase64());
        objects.applyTo(b);
        s3.putObject(b.build(), RequestBody.fromFile(item.file()));
    }

    private void putInParts(UploadItem item, String where) throws IOException {
        long size = item.bytes();
        long part = Math.max(partSize, (size + MAX_PARTS - 1) / MAX_PARTS);
        String uploadId = s3.createMultipartUpload(b -> objects.applyTo(b.bucket(bucket).key(item.key())
                .contentType(ObjectHeaders.contentType(item)).contentEncoding(ObjectHeaders.contentEncoding(item))
                .metadata(ObjectHeaders.metadata(item)).checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                .overrideConfiguration(timeout(item.timeout())))).uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += part, number++) {
                if (Thread.currentThread().isInterrupted()) throw new InterruptedIOException("upload of " + where + " interrupted");
                long length = Math.min(part, size - offset);
                try (FileSlice slice = new FileSlice(item.file(), offset, length)) {
                    UploadPartResponse r = s3.uploadPart(UploadPartRequest.builder()
                                    .bucket(bucket).key(item.key()).uploadId(uploadId)
                                    .partNumber(number).contentLength(length)
                                    .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                                    .overrideConfiguration(timeout(item.timeout()))
                                    .build(),
                            RequestBody.fromContentProvider(slice, length, "application/octet-stream"));
                    parts.add(CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumCRC32C(r.checksumCRC32C()).build());
                }
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(item.key()).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)).overrideConfiguration(timeout(item.timeout())));
            completed = true;
        } finally {
            if (!completed) abort(item.key(), uploadId);
        }
    }

    /** Best effort: an abandoned multipart upload only costs storage until a lifecycle rule removes it. */
    private void abort(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .overrideConfiguration(timeout(Duration.ofSeconds(10))));
        } catch (SdkException e) {
            LOG.log(Level.FINE, "could not abort multipart upload " + uploadId + " of s3://" + bucket + "/" + key, e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return name;
    }

    /** Settings of an S3 destination. Only the bucket is required. */
    public static final class Builder {
        private final String bucket;
        private String prefix = "";
        private KeyTemplate template = KeyTemplate.DEFAULT;
        private Region region;
        private URI endpoint;
        private boolean pathStyle;
        private AwsCredentialsProvider credentials;
        private long multipartThreshold = 64L << 20;
        private long partSize = 16L << 20;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration socketTimeout = Duration.ofSeconds(60);
        private ObjectSettings objects = ObjectSettings.NONE;
        private AssumedRole role;

        private Builder(String bucket) {
            if (bucket == null || bucket.isBlank() || bucket.contains("/")) {
                throw new IllegalArgumentException("S3 bucket name '" + bucket + "' is not valid");
            }
            this.bucket = bucket;
        }

        /** Keys start with this (slashes around it are trimmed). */
        public Builder prefix(String prefix) {
            this.prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
            return this;
        }

        public Builder keyTemplate(KeyTemplate template) {
            this.template = Objects.requireNonNull(template, "key template");
            return this;
        }

        /** The region to sign for; by default the SDK's region chain (AWS_REGION, profile, ...). */
        public Builder region(String region) {
            this.region = region == null || region.isBlank() ? null : Region.of(region);
            return this;
        }

        /** An S3-compatible endpoint (MinIO, Ceph, ...) instead of AWS. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** Address the bucket in the path ({@code endpoint/bucket/key}) instead of the host name. */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /** Credentials other than the SDK's default chain (library use and tests). */
        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = credentials;
            return this;
        }

        /** Files larger than this go as multipart uploads. */
        public Builder multipartThreshold(long bytes) {
            if (bytes < MIN_PART) throw new IllegalArgumentException("multipart threshold must be at least 5 MiB, was " + bytes);
            this.multipartThreshold = bytes;
            return this;
        }

        /** Size of each part of a multipart upload (S3 requires at least 5 MiB). */
        public Builder partSize(long bytes) {
            if (bytes < MIN_PART) throw new IllegalArgumentException("part size must be at least 5 MiB, was " + bytes);
            this.partSize = bytes;
            return this;
        }

        public Builder connectTimeout(Duration d) { this.connectTimeout = Objects.requireNonNull(d); return this; }

        /** Longest silence on a connection before it is given up. */
        public Builder socketTimeout(Duration d) { this.socketTimeout = Objects.requireNonNull(d); return this; }

        /** Storage class, server-side encryption and tags for every object. */
        public Builder objects(ObjectSettings settings) { this.objects = Objects.requireNonNull(settings); return this; }

        /** Upload as this IAM role (assumed with the base credentials through STS). */
        public Builder assumeRole(AssumedRole r) { this.role = r; return this; }

        public S3Destination build() {
            return new S3Destination(this);
        }
    }
}
