package dev.cistern.spool;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a segment listed a moment ago where it is now: an uploader beside us (this process's or a {@code cistern
 * upload}) may since have moved it from {@code sealed/} to {@code uploaded/}. It was in the listing, so it is read
 * there; a file gone from both (dropped by retention, or shipped and deleted) is no problem, only gone.
 */
public final class MovedFiles {
    private MovedFiles() {}

    /** What reads a file. */
    @FunctionalInterface
    public interface Read<T> {
        T at(Path file) throws IOException;
    }

    /** {@code read} at {@code file} (the segment's, or where it was found), else where an uploader keeps it; null when gone. */
    public static <T> T read(SealedSegment seg, Path file, Read<T> read) throws IOException {
        try {
            return read.at(file);
        } catch (NoSuchFileException e) {
            Path kept = seg.uploadedPath();
            if (kept == null || kept.equals(file)) return null;
            try {
                return read.at(kept);
            } catch (NoSuchFileException gone) {
                return null;
            }
        }
    }
}
