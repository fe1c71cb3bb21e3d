package dev.cistern.spool;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a spool within its {@link RetentionPolicy}. Space is reclaimed from uploaded files first,
 * oldest first; then, only under {@code DROP_OLDEST}, from unsent sealed files, oldest first.
 * Every file dropped is counted by reason, reported with its stream, time range and rows
 * ({@link DropReport}, rate-limited lines) and published as a {@link SpoolEvent.Type#DROPPED} event.
 * When a limit still holds afterwards, {@link #overLimit()} says so and the agent applies the
 * overflow policy to ingest. Unsent files are never dropped for a {@code maxTotalBytes} that the
 * journal and active files alone exceed: that would empty the spool without meeting it
 * ({@link #journalOverLimit()}: ingest is refused instead). A file the spool has not
 * {@linkplain Spool#isSettled settled} yet (its journal ledger) is left for a later pass.
 */
public final class Retention {
    private static final Logger LOG = Logger.getLogger(Retention.class.getName());

    private final Spool spool;
    private final LongSupplier journalBytes;
    private volatile RetentionPolicy policy; // a config reload swaps it; the next pass uses the new one
    private final Map<DropReason, LongAdder> filesDropped = new EnumMap<>(DropReason.class);
    private final Map<DropReason, LongAdder> rowsDropped = new EnumMap<>(DropReason.class);
    private final LongAdder bytesDropped = new LongAdder();
    private final Runnable reclaimJournal;
    private final DropReport unsentDrops = new DropReport("unsent", Level.WARNING, 10_000);
    private final DropReport uploadedDrops = new DropReport("uploaded", Level.INFO, 10_000);
    private volatile boolean overLimit;
    private volatile boolean journalOverLimit;
    private long journalWarnedAt = Long.MIN_VALUE;
    private volatile Usage lastUsage = new Usage(0, 0, 0, 0, 0, 0);

    /** Bytes in each area, and the filesystem's free and total bytes. */
    public record Usage(long journal, long active, long sealed, long uploaded, long free, long total) {
        public long spoolBytes() {
            return journal + active + sealed + uploaded;
        }
    }

    public Retention(Spool spool, RetentionPolicy policy) {
        this(spool, policy, null);
    }

    /**
     * @param journalBytes what the journal in {@code journal/} really holds on disk, for a journal
     *                     whose files are sparse (the agent's); null counts the files' sizes
     */
    public Retention(Spool spool, RetentionPolicy policy, LongSupplier journalBytes) {
        this(spool, policy, journalBytes, null);
    }

    /**
     * @param reclaimJournal asked first, when a limit holds, to release what the journal holds that is
     *                       all sealed (it may roll the journal); null when there is nothing to ask
     */
    public Retention(Spool spool, RetentionPolicy policy, LongSupplier journalBytes, Runnable reclaimJournal) {
        this.spool = spool;
        this.reclaimJournal = reclaimJournal;
        this.policy = policy;
        this.journalBytes = journalBytes;
        for (DropReason r : DropReason.values()) {
            filesDropped.put(r, new LongAdder());
            rowsDropped.put(r, new LongAdder());
        }
    }

    public RetentionPolicy policy() { return policy; }

    /** Limits for the passes from now on (the agent's config reload). */
    public void policy(RetentionPolicy policy) { this.policy = Objects.requireNonNull(policy, "policy"); }
    public long filesDropped(DropReason r) { return filesDropped.get(r).sum(); }
    public long rowsDropped(DropReason r) { return rowsDropped.get(r).sum(); }
    public long bytesDropped() { return bytesDropped.sum(); }
    public Usage lastUsage() { return lastUsage; }

    /** The journal's bytes on disk now (cheap: a few cycle files), or as of the last pass without a journal. */
    public long journalBytesNow() {
        return journalBytes != null ? journalBytes.getAsLong() : lastUsage.journal();
    }
    /** Unsent rows dropped (by {@code max_age} or {@code drop_oldest}): counted and logged per stream. */
    public DropReport unsentDrops() { return unsentDrops; }

    /** Logs every drop not yet logged (at stop: the rate limit holds lines back up to 10 s). */
    public void flushDropReports() {
        unsentDrops.flushAll();
        uploadedDrops.flushAll();
    }

    /**
     * True when, after the last pass, the journal and active files alone exceed {@code maxTotalBytes}:
     * no drop of sealed data can meet it, so ingest is refused under every overflow policy.
     */
    public boolean journalOverLimit() {
        return journalOverLimit;
    }

    /** True when, after the last pass, a limit still holds (nothing more the policy lets us drop). */
    public boolean overLimit() {
        return overLimit;
    }

    /** One pass: drop what is too old, then reclaim space until within limits or out of droppable files. */
    public synchronized Usage enforce() throws IOException {
        SpoolLayout layout = spool.layout();
        List<SealedSegment> uploaded = segmentsOldestFirst(layout.uploaded());
        List<SealedSegment> sealed = segmentsOldestFirst(layout.sealed());
        if (policy.maxAge() != null) {
            long cutoff = System.currentTimeMillis() - policy.maxAge().toMillis();
            uploaded.removeIf(s -> createdAt(s) < cutoff && drop(s, DropReason.MAX_AGE));
            sealed.removeIf(s -> createdAt(s) < cutoff && drop(s, DropReason.MAX_AGE));
        }
        if (policy.uploadedMaxAge() != null) {
            long cutoff = System.currentTimeMillis() - policy.uploadedMaxAge().toMillis();
            uploaded.removeIf(s -> createdAt(s) < cutoff && drop(s, DropReason.UPLOADED_MAX_AGE));
        }
        Usage u = measure();
        if (reclaimJournal != null && violated(u) != null) {
            reclaimJournal.run();
            u = measure();
        }
        while (true) {
            DropReason reason = violated(u);
            if (reason == null) break;
            SealedSegment victim = !uploaded.isEmpty() ? uploaded.remove(0) : null;
            if (victim == null) {
                // unsent files only for a limit their deletion can meet
                if (journalAlone(u)) reason = freeSpaceViolated(u);
                if (reason == null || policy.overflow() != RetentionPolicy.Overflow.DROP_OLDEST || sealed.isEmpty()) break;
                victim = sealed.remove(0);
            }
            long size = sizeOf(victim.path());
            if (drop(victim, reason)) {
                boolean wasUploaded = victim.path().startsWith(layout.uploaded());
                u = new Usage(u.journal(), u.active(), u.sealed() - (wasUploaded ? 0 : size),
                        u.uploaded() - (wasUploaded ? size : 0), u.free() + size, u.total());
            }
        }
        u = measure();
        boolean over = violated(u) != null;
        if (over != overLimit) {
            if (over) LOG.warning("spool over its limits (" + describe(u) + "), overflow policy " + policy.overflow());
            else LOG.info("spool back within its limits (" + describe(u) + ")");
        }
        overLimit = over;
        journalOverLimit = journalAlone(u);
        if (journalOverLimit) warnJournalOverLimit(u);
        lastUsage = u;
        unsentDrops.flush();
        uploadedDrops.flush();
        return u;
    }

    /** The limit that holds for this usage, or null when within all. */
    DropReason violated(Usage u) {
        if (policy.maxTotalBytes() > 0 && u.spoolBytes() > policy.maxTotalBytes()) return DropReason.MAX_TOTAL_BYTES;
        return freeSpaceViolated(u);
    }

    private DropReason freeSpaceViolated(Usage u) {
        if (policy.minFreeBytes() > 0 && u.free() < policy.minFreeBytes()) return DropReason.MIN_FREE_SPACE;
        if (policy.minFreePercent() > 0 && u.total() > 0 && u.free() * 100 / u.total() < policy.minFreePercent()) {
            return DropReason.MIN_FREE_SPACE;
        }
        return null;
    }

    private boolean journalAlone(Usage u) {
        return policy.maxTotalBytes() > 0 && u.journal() + u.active() > policy.maxTotalBytes();
    }

    private void warnJournalOverLimit(Usage u) {
        long now = System.currentTimeMillis();
        if (journalWarnedAt != Long.MIN_VALUE && now - journalWarnedAt < 60_000) return;
        journalWarnedAt = now;
        LOG.warning("retention.max_total_bytes (" + policy.maxTotalBytes() + ") is below what the journal needs: journal "
                + u.journal() + " + active " + u.active() + " = " + (u.journal() + u.active())
                + " bytes not yet sealed or released; unsent files are kept and ingest is refused (503 spool_full) until it"
                + " shrinks. Raise max_total_bytes above journal.max_lag_bytes plus one journal cycle (docs/operations.md)");
    }

    /** Bytes in each area of the spool and free space on its own filesystem. */
    public Usage measure() throws IOException {
        SpoolLayout l = spool.layout();
        FileStore store = Files.getFileStore(l.root());
        long journal = journalBytes != null ? journalBytes.getAsLong() : treeBytes(l.journal());
        // uploaded/ before sealed/: a file the uploader moves between the two walks is missed once, never counted twice
        // (usage counted twice could drop unsent files to make room that is there)
        long uploaded = treeBytes(l.uploaded());
        long sealed = treeBytes(l.sealed());
        return new Usage(journal, treeBytes(l.active()), sealed, uploaded, store.getUsableSpace(), store.getTotalSpace());
    }

    private boolean drop(SealedSegment s, DropReason reason) {
        // not yet in the journal ledger: deleting it could make a restart seal its rows again; next pass
        if (!spool.isSettled(s.name())) return false;
        long size = sizeOf(s.path());
        try {
            if (!Files.deleteIfExists(s.path())) return false; // uploaded or moved meanwhile
        } catch (IOException e) {
            LOG.warning("retention could not delete " + s.path() + ": " + e);
            return false;
        }
        filesDropped.get(reason).increment();
        rowsDropped.get(reason).add(s.name().rows());
        bytesDropped.add(size);
        boolean unsent = s.path().startsWith(spool.layout().sealed());
        (unsent ? unsentDrops : uploadedDrops).dropped(s.name().stream(), reason.name().toLowerCase(Locale.ROOT)
                + (unsent && reason != DropReason.MAX_AGE ? ", overflow drop_oldest" : ""),
                s.name().rows(), s.name().minTs(), s.name().maxTs(), "file " + s.path().getFileName());
        spool.publish(new SpoolEvent(SpoolEvent.Type.DROPPED, s.name(), s.path(), reason.name()));
        return true;
    }

    /** Seal time, from the id (its first 12 hex digits are the creation time in epoch ms). */
    static long createdAt(SealedSegment s) {
        return Long.parseLong(s.name().id().substring(0, 12), 16);
    }

    private static List<SealedSegment> segmentsOldestFirst(Path root) throws IOException {
        List<SealedSegment> out = new ArrayList<>();
        for (Path p : TreeFiles.under(root)) {
            SealedSegment s = SealedSegment.of(p);
            if (s != null) out.add(s);
        }
        out.sort(Comparator.comparingLong(Retention::createdAt).thenComparing(s -> s.name().id()));
        return out;
    }

    private static long treeBytes(Path root) throws IOException {
        long total = 0;
        for (Path p : TreeFiles.under(root)) total += sizeOf(p);
        return total;
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String describe(Usage u) {
        return "spool " + u.spoolBytes() + " bytes (journal " + u.journal() + ", active " + u.active() + ", sealed "
                + u.sealed() + ", uploaded " + u.uploaded() + "), free " + u.free() + " of " + u.total();
    }
}
