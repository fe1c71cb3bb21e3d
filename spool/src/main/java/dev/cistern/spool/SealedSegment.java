package dev.cistern.spool;

import java.nio.file.Path;

/** A sealed, complete segment file and what its name says about it. */
public record SealedSegment(Path path, SegmentName name) {

    /** Reads the name off a path; null when the file name is not a segment name. */
    public static SealedSegment of(Path path) {
        SegmentName name = SegmentName.tryParse(path.getFileName().toString());
        return name == null ? null : new SealedSegment(path, name);
    }
}
