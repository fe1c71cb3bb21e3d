package dev.cistern.agent.journal;

import dev.cistern.spool.JournalSource;
import dev.cistern.spool.SegmentName;

/**
 * Which sealed names and ledgers are the journal's (see {@link JournalIdentity}): a name made before the
 * journal was, or whose index is past the journal's end, is not; a ledger written for another id is not,
 * and one from before identities is when the journal itself is from before them (adopted).
 */
record JournalOwnership(Journal journal) implements JournalSource {
    @Override
    public String id() {
        return journal.identity().id();
    }

    @Override
    public boolean adoptsUnmarkedLedger() {
        return journal.identity().createdMillis() == 0;
    }

    @Override
    public boolean owns(SegmentName name) {
        return name.source() <= journal.end() && journal.identity().mayHaveSealedAt(createdMillis(name));
    }

    /** When a segment was made, from its id (12 hex digits of epoch ms); 0 when the id does not say. */
    static long createdMillis(SegmentName name) {
        try {
            return Long.parseLong(name.id().substring(0, 12), 16);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
