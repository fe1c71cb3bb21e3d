package dev.cistern.uploader;

import dev.cistern.spool.SegmentName;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One file to upload: where it is, what it is, where it goes, how big it is and how long one
 * attempt may take.
 */
public record UploadItem(Path file, SegmentName segment, String key, long bytes, Duration timeout) {
}
