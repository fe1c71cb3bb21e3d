package dev.cistern.uploader.log;

/**
 * One line of the upload log: one attempt to upload one file.
 *
 * @param ts          when the attempt ended, epoch milliseconds
 * @param file        the file, relative to the spool directory ({@code sealed/...} or {@code uploaded/...})
 * @param stream      the stream the file belongs to
 * @param destination where it went ({@code s3://bucket/prefix}, ...)
 * @param key         the object key
 * @param status      success, failed or skipped (dry run)
 * @param message     why it failed, or what was done; empty on a plain success
 * @param durationMs  how long the attempt took
 * @param bytes       file size
 * @param attempt     1 for the first attempt at this file in this go, 2 for the first retry, ...
 * @param permanent   a failure the destination said will not pass by retrying
 * @param dryRun      nothing was sent
 * @param replay      an upload again of a file already uploaded ({@code cistern replay})
 */
public record UploadRecord(long ts, String file, String stream, String destination, String key, UploadStatus status,
                           String message, long durationMs, long bytes, int attempt, boolean permanent, boolean dryRun,
                           boolean replay) {
}
