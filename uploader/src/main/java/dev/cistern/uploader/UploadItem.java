package dev.cistern.uploader;

import dev.cistern.spool.SegmentName;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One file to upload: where it is, what it is, where it goes, how big it is, how long one attempt
 * may take, and the checksum the uploader verified it with (null when none was taken).
 */
public record UploadItem(Path file, SegmentName segment, String key, long bytes, Duration timeout, FileChecksum checksum) {

    public UploadItem(Path file, SegmentName segment, String key, long bytes, Duration timeout) {
        this(file, segment, key, bytes, timeout, null);
    }

    public UploadItem withChecksum(FileChecksum c) {
        return new UploadItem(file, segment, key, bytes, timeout, c);
    }
}
