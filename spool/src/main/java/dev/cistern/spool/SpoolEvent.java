package dev.cistern.spool;

import java.nio.file.Path;

/**
 * Something that happened to a segment file: subscribers (the uploader, metrics) hear about it as
 * it happens instead of polling directories. {@code detail} is a reason or a destination.
 */
public record SpoolEvent(Type type, SegmentName name, Path path, String detail) {

    public enum Type {
        /** Complete and durable in {@code sealed/}. */
        SEALED,
        /** Confirmed by a destination; moved to {@code uploaded/} or deleted. */
        UPLOADED,
        /** Moved to {@code quarantine/} with a reason. */
        QUARANTINED,
        /** Deleted by retention; {@code detail} is the {@link DropReason}. */
        DROPPED
    }
}
