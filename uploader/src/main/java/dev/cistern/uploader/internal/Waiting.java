package dev.cistern.uploader.internal;

import dev.cistern.spool.SegmentName;
import java.nio.file.Path;

/** A file waiting to go up, with what a stat said about it. */
public record Waiting(Path path, SegmentName name, long bytes, long sealedAtMillis) {}
