package dev.cistern.uploader.internal;

import dev.cistern.spool.SegmentName;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/** Where a confirmed upload is marked done (moved or deleted) off the upload thread: the uploader's Marker. */
public interface MarkQueue {

    /** Queues a mark; {@code done} gets where the file is now (null if deleted), or the error. */
    void mark(Path file, SegmentName name, BiConsumer<Path, IOException> done);

    /** Waits until every mark handed in so far is durable (or failed). */
    void drain() throws InterruptedException;
}
