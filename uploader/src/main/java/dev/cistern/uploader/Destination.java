package dev.cistern.uploader;

import dev.cistern.spool.SegmentName;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Somewhere sealed segments go: an S3 bucket, presigned-URL PUTs, or a directory.
 *
 * <p>A destination does one upload at a time per call and is called from several threads at
 * once. It does not retry: the {@link Uploader} owns retries, timeouts and the circuit breaker.
 * It says whether a failure is worth retrying by throwing {@link DestinationException}; any
 * other {@link IOException} counts as retryable.
 */
public interface Destination extends Closeable {

    /** Where files go, for logs and metrics (e.g. {@code s3://bucket/prefix}); never a credential. */
    String name();

    /** The object key of a segment. Deterministic, so an upload repeated after a crash overwrites the same object. */
    String keyFor(SegmentName segment);

    /** Hears about the files about to be uploaded, so a destination can prepare them in one call. Best effort. */
    default void prepare(List<UploadItem> items) throws IOException {
    }

    /**
     * Uploads one file and returns only once the destination has confirmed it. Gives up within
     * {@link UploadItem#timeout()}. Never reads the whole file into memory.
     */
    void put(UploadItem item) throws IOException;

    @Override
    default void close() throws IOException {
    }
}
