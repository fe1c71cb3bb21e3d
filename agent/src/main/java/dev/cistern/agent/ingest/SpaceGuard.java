package dev.cistern.agent.ingest;

import dev.cistern.agent.ndjson.EventTime;
import dev.cistern.agent.remotewrite.DecodedRequest;
import dev.cistern.spool.DropReport;
import dev.cistern.spool.Retention;
import dev.cistern.spool.RetentionPolicy;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Applies the overflow policy to ingest and keeps the journal off a full disk. Retention decides
 * (every few seconds) whether the spool is over its limits; in between, a cached free-space reading
 * refuses a request that would leave less than the floor, because a memory-mapped journal write on
 * a full disk fails in ways nothing can recover from cleanly.
 */
public final class SpaceGuard {
    /** Never fill the filesystem past this, whatever the policy says. */
    static final long HARD_FLOOR_BYTES = 32L << 20;
    private static final long REFRESH_NANOS = 200_000_000L;

    private final Retention retention;
    private final FileStore store;
    private final NewestDrops newestDrops;
    private volatile long free;
    private volatile long readAt;

    /** @param streams the router's streams, by route bit: drops under drop_newest are reported per stream */
    public SpaceGuard(Retention retention, Path dataDir, Supplier<List<String>> streams) throws IOException {
        this.retention = retention;
        this.newestDrops = new NewestDrops(streams);
        this.store = Files.getFileStore(dataDir);
    }

    /**
     * 503 while the spool is over its limits under the block policy, and under every policy while the
     * journal alone needs more than {@code max_total_bytes} (dropping sealed data cannot meet it).
     */
    void checkNotBlocked() {
        if (retention.journalOverLimit()) {
            throw new IngestException(503, "spool_full", "the journal alone holds more than retention.max_total_bytes"
                    + " until its entries are sealed and released; retry later");
        }
        if (retention.overLimit() && retention.policy().overflow() == RetentionPolicy.Overflow.BLOCK) {
            throw new IngestException(503, "spool_full", "spool is over its disk limits and uploads have not freed space yet; retry later");
        }
    }

    /** True when new rows are to be dropped (counted) under the drop_newest policy. */
    boolean dropNewest() {
        return retention.overLimit() && retention.policy().overflow() == RetentionPolicy.Overflow.DROP_NEWEST;
    }

    /** Rows accepted and dropped under drop_newest, counted and logged per stream. */
    public DropReport newestDrops() {
        return newestDrops.report();
    }

    void droppedNewest(DecodedRequest rows) {
        newestDrops.remoteWrite(rows);
    }

    void droppedNewest(String stream, byte[] body, long rows, EventTime time) throws IOException {
        newestDrops.ndjson(stream, body, rows, time);
    }

    /** Below what retention reclaims to (read each time: a config reload may change it), so freeing space reopens ingest. */
    private long floor() {
        long minFree = retention.policy().minFreeBytes();
        return minFree > 0 ? Math.min(HARD_FLOOR_BYTES, minFree / 2) : HARD_FLOOR_BYTES;
    }

    /** 503 when writing {@code bytes} would bring free space under the floor. */
    void checkRoomFor(long bytes) {
        long now = System.nanoTime();
        if (now - readAt > REFRESH_NANOS) {
            try {
                free = store.getUsableSpace();
            } catch (IOException e) {
                free = 0;
            }
            readAt = now;
        }
        if (free - bytes * 2 < floor()) {
            throw new IngestException(503, "disk_full", "only " + free + " bytes free on the data directory's filesystem; retry later");
        }
    }
}
