package dev.cistern.agent.journal;

import dev.cistern.spool.SegmentName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The resume plan's guard: journal indices that cannot be this journal's do not move its resume point.
 * A sealed or uploaded name made before the journal was (another journal's, {@link JournalIdentity}), or
 * with an index past the journal's end (a stray file, or one a damaged journal lost), is ignored for
 * resume and kept where it is; a ledger index past the end is ignored too. Each is logged at WARN (the
 * first few by name, then a count) and counted. Without a journal (library use), everything counts.
 */
final class UntrustedIndices {
    private static final Logger LOG = Logger.getLogger(UntrustedIndices.class.getName());
    private static final int NAMED = 5;

    private final Journal journal;
    private final List<String> examples = new ArrayList<>();
    private long names;
    private long ledger;

    UntrustedIndices(Journal journal) {
        this.journal = journal;
    }

    /** Whether the name of {@code file} counts for resume. */
    boolean owns(SegmentName n, Path file) {
        if (journal == null || journal.source().owns(n)) return true;
        names++;
        if (examples.size() < NAMED) {
            String why = n.source() > journal.end() ? "its journal index " + n.source() + " is past the journal's end " + journal.end()
                    : "it was made before this journal (identity " + journal.identity().id() + ")";
            examples.add(file + ": " + why);
        }
        return false;
    }

    /** The ledger's {@code indices} (changed in place), with any past the journal's end replaced by -1. */
    long[] ledger(String what, long[] indices) {
        if (journal == null) return indices;
        for (int l = 0; l < indices.length; l++) {
            if (indices[l] > journal.end()) {
                LOG.warning("journal ledger: " + what + " lane " + l + " is " + indices[l] + ", past the journal's end "
                        + journal.end() + ": ignored for resume");
                indices[l] = -1;
                ledger++;
            }
        }
        return indices;
    }

    void report() {
        if (journal == null) return;
        journal.damage().ignoredLedgerIndices(ledger);
        if (names == 0) return;
        journal.damage().ignoredNames(names);
        LOG.warning(names + " sealed or uploaded file names do not move the resume point (kept, ignored for resume): "
                + String.join("; ", examples) + (names > examples.size() ? "; and " + (names - examples.size()) + " more" : ""));
    }
}
