package dev.cistern.cli;

import dev.cistern.uploader.AfterUpload;
import dev.cistern.uploader.Destination;
import dev.cistern.uploader.Destinations;
import dev.cistern.uploader.KeyTemplate;
import dev.cistern.uploader.UploadPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Destination and policy options shared by {@code upload} and {@code replay}. */
final class UploadOptions {
    @Option(names = "--endpoint", description = "S3-compatible endpoint URL (MinIO, Ceph, ...) instead of AWS.")
    URI endpoint;

    @Option(names = "--path-style", description = "Address the bucket in the URL path (most S3-compatible stores need it).")
    boolean pathStyle;

    @Option(names = "--region", description = "AWS region to sign for (default: the SDK's chain, e.g. AWS_REGION).")
    String region;

    @Option(names = "--api-key-file", description = "presigned+: file holding the allocation endpoint's API key.")
    Path apiKeyFile;

    @Option(names = "--api-key-header", defaultValue = "X-Api-Key",
            description = "presigned+: header for the API key (default ${DEFAULT-VALUE}).")
    String apiKeyHeader;

    @Option(names = "--key-template", defaultValue = KeyTemplate.DEFAULT_PATTERN,
            description = "Object key under the prefix (default ${DEFAULT-VALUE}).")
    String keyTemplate;

    @Option(names = "--concurrency", defaultValue = "2", description = "Files uploaded at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--max-attempts", defaultValue = "5", description = "Attempts per file, retries included (default ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--timeout", defaultValue = "30s", converter = DurationArg.class,
            description = "Time for one attempt at a small file; large files get more (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "Print the summary as one JSON object (with --once, and for replay).")
    boolean json;

    @Option(names = "--dry-run", description = "Do everything except upload; log each file as skipped.")
    boolean dryRun;

    Destination destination(String uri) {
        Destinations.Options o = new Destinations.Options().endpoint(endpoint).pathStyle(pathStyle).region(region)
                .apiKeyFile(apiKeyFile).apiKeyHeader(apiKeyHeader).keyTemplate(KeyTemplate.of(keyTemplate));
        return Destinations.fromUri(uri, o);
    }

    UploadPolicy.Builder policy() {
        return UploadPolicy.builder().concurrency(concurrency).maxAttempts(maxAttempts).attemptTimeout(timeout)
                .dryRun(dryRun).afterUpload(AfterUpload.MOVE);
    }
}
