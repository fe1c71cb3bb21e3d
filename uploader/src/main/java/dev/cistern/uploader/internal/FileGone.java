package dev.cistern.uploader.internal;

/** Thrown when the file vanished (another uploader or retention took it): not a failure. */
final class FileGone extends RuntimeException {
    FileGone() {
        super(null, null, false, false);
    }
}
