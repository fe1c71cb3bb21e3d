package dev.cistern.agent.journal;

import java.util.concurrent.atomic.AtomicLong;

/** What the journal found damaged or untrustworthy, for the metrics: counted once, when found. */
public final class JournalDamage {
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong ignoredNames = new AtomicLong();
    private final AtomicLong ignoredLedgerIndices = new AtomicLong();

    void found(long damagedEntries, long damagedBytes) {
        entries.addAndGet(damagedEntries);
        bytes.addAndGet(damagedBytes);
    }

    void ignoredNames(long n) {
        ignoredNames.addAndGet(n);
    }

    void ignoredLedgerIndices(long n) {
        ignoredLedgerIndices.addAndGet(n);
    }

    /** Entries lost or failing their checksum, found by recovery at open. */
    public long entries() {
        return entries.get();
    }

    /** Their bytes. */
    public long bytes() {
        return bytes.get();
    }

    /** Sealed or uploaded names the resume plan ignored: another journal's, or past this journal's end. */
    public long ignoredNames() {
        return ignoredNames.get();
    }

    /** Ledger indices past the journal's end, ignored by the resume plan. */
    public long ignoredLedgerIndices() {
        return ignoredLedgerIndices.get();
    }
}
