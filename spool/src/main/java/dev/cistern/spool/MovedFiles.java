package dev.cistern.spool;

import java.io.IOException;
import java.nio.file.Files;
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

    /** A listed segment verified where it is now: its path, size and what {@link Verifier} found. */
    public record Verified(Path path, long size, Verifier.Result result) {}

    /** Verifies a listed segment where it is now; null when it is gone (dropped since it was listed). */
    public static Verified verify(SealedSegment s) throws IOException {
        for (Path p : new Path[] {s.path(), s.uploadedPath()}) {
            if (p == null) continue;
            long size;
            try {
                size = Files.size(p);
            } catch (NoSuchFileException e) {
                continue;
            }
            Verifier.Result r = Verifier.verify(p);
            if (r.ok() || Files.exists(p)) return new Verified(p, size, r);
            // moved while it was read: read again where it went
        }
        return null;
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
