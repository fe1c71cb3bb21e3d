package dev.cistern.uploader.s3;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * What each object is stored with, all optional: a storage class, server-side encryption (SSE-S3 as
 * {@code AES256}, SSE-KMS as {@code aws:kms} with an optional key id) and object tags. Checked when
 * made, with S3's own limits, so a bad value is a config error and not a failed upload at 3 a.m.
 */
public record ObjectSettings(String storageClass, String sse, String kmsKeyId, Map<String, String> tags) {
    public static final ObjectSettings NONE = new ObjectSettings(null, null, null, Map.of());

    public ObjectSettings {
        if (storageClass != null && StorageClass.fromValue(storageClass) == StorageClass.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException("storage class '" + storageClass + "' is not one of " + StorageClass.knownValues());
        }
        if (sse != null && !sse.equals("AES256") && !sse.equals("aws:kms")) {
            throw new IllegalArgumentException("server-side encryption '" + sse + "' is not AES256 (SSE-S3) or aws:kms (SSE-KMS)");
        }
        if (kmsKeyId != null && !"aws:kms".equals(sse)) {
            throw new IllegalArgumentException("a KMS key id needs server-side encryption aws:kms");
        }
        tags = Map.copyOf(tags == null ? Map.of() : tags);
        if (tags.size() > 10) throw new IllegalArgumentException("S3 allows at most 10 tags per object, " + tags.size() + " given");
        tags.forEach((k, v) -> {
            if (k.isEmpty() || k.length() > 128 || v.length() > 256) {
                throw new IllegalArgumentException("tag '" + k + "': keys are 1-128 characters, values at most 256");
            }
        });
    }

    void applyTo(PutObjectRequest.Builder b) {
        if (storageClass != null) b.storageClass(storageClass);
        if (sse != null) b.serverSideEncryption(sse);
        if (kmsKeyId != null) b.ssekmsKeyId(kmsKeyId);
        if (!tags.isEmpty()) b.tagging(tagging());
    }

    void applyTo(CreateMultipartUploadRequest.Builder b) {
        if (storageClass != null) b.storageClass(storageClass);
        if (sse != null) b.serverSideEncryption(sse);
        if (kmsKeyId != null) b.ssekmsKeyId(kmsKeyId);
        if (!tags.isEmpty()) b.tagging(tagging());
    }

    /** The {@code x-amz-tagging} value: URL-encoded {@code key=value} pairs joined by {@code &}. */
    String tagging() {
        return new TreeMap<>(tags).entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
