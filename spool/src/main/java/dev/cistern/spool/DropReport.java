package dev.cistern.spool;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs and counts dropped rows one way for every path that drops them (retention deleting files,
 * {@code drop_newest} refusing rows): each line names the stream, the reason, the rows and their
 * time range. Lines are rate-limited per stream and reason: the first drop is logged at once, later
 * ones within {@code everyMillis} are summed into the next line, which {@link #flush} writes when
 * drops stop. Thread-safe.
 */
public final class DropReport {
    private static final Logger LOG = Logger.getLogger(DropReport.class.getName());

    private final String what;
    private final Level level;
    private final long everyMillis;
    private final LongSupplier clock;
    private final LongAdder rows = new LongAdder();
    private final LongAdder drops = new LongAdder();
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    /** @param what what is dropped, for the log line ("unsent", "uploaded", "incoming") */
    public DropReport(String what, Level level, long everyMillis) {
        this(what, level, everyMillis, System::currentTimeMillis);
    }

    DropReport(String what, Level level, long everyMillis, LongSupplier clock) {
        this.what = what;
        this.level = level;
        this.everyMillis = everyMillis;
        this.clock = clock;
    }

    private static final class Pending {
        final String stream;
        final String reason;
        long rows;
        long drops;
        long minTs = Long.MAX_VALUE;
        long maxTs = Long.MIN_VALUE;
        String detail;
        long loggedAt = Long.MIN_VALUE;

        Pending(String stream, String reason) {
            this.stream = stream;
            this.reason = reason;
        }
    }

    /** Rows dropped since start, all streams. */
    public long rows() { return rows.sum(); }

    /** Drops (files or requests) since start. */
    public long drops() { return drops.sum(); }

    /** Counts one drop of {@code n} rows of {@code stream} with timestamps in [minTs, maxTs], and logs it when due. */
    public synchronized void dropped(String stream, String reason, long n, long minTs, long maxTs, String detail) {
        rows.add(n);
        drops.increment();
        Pending p = pending.computeIfAbsent(stream + '\0' + reason, k -> new Pending(stream, reason));
        p.rows += n;
        p.drops++;
        p.minTs = Math.min(p.minTs, minTs);
        p.maxTs = Math.max(p.maxTs, maxTs);
        p.detail = detail;
        long now = clock.getAsLong();
        if (p.loggedAt == Long.MIN_VALUE || now - p.loggedAt >= everyMillis) log(p, now);
    }

    /** Logs the drops summed since their stream's last line, for lines now due. */
    public synchronized void flush() {
        long now = clock.getAsLong();
        for (Pending p : pending.values()) {
            if (p.drops > 0 && now - p.loggedAt >= everyMillis) log(p, now);
        }
    }

    private void log(Pending p, long now) {
        String range = p.minTs <= p.maxTs ? ", time " + Instant.ofEpochMilli(p.minTs) + " .. " + Instant.ofEpochMilli(p.maxTs) : "";
        String how = p.drops == 1 ? ": " + p.detail : " in " + p.drops + " drops (last: " + p.detail + ")";
        LOG.log(level, "dropped " + p.rows + " " + what + " rows of stream " + p.stream + " (" + p.reason + ")" + range + how);
        p.rows = 0;
        p.drops = 0;
        p.minTs = Long.MAX_VALUE;
        p.maxTs = Long.MIN_VALUE;
        p.loggedAt = now;
    }
}
