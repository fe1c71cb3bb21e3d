package dev.cistern.spool;

/**
 * The journal a {@link JournalFedSpool} is fed from, as its ledger ({@link JournalProgress}) needs to
 * know it: journal indices mean something only for the journal that made them.
 */
public interface JournalSource {
    /** Any journal: every ledger and every name is trusted (library use, tests). */
    JournalSource ANY = new JournalSource() {
        @Override
        public String id() {
            return null;
        }

        @Override
        public boolean adoptsUnmarkedLedger() {
            return true;
        }

        @Override
        public boolean owns(SegmentName name) {
            return true;
        }
    };

    /** The journal's identity, written into the ledger; null: none. */
    String id();

    /** Whether a ledger written before identities (no journal id in it) is this journal's. */
    boolean adoptsUnmarkedLedger();

    /**
     * Whether a sealed name can be this journal's: one from another journal, or with an index past the
     * journal's end, never enters the ledger (it is logged and ignored by the resume plan instead).
     */
    boolean owns(SegmentName name);
}
