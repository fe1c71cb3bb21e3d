package dev.cistern.spool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A journal-fed data directory keeps the lane count it was written with in its ledger ({@code journal-progress.json}):
 * sealed names are read back lane by lane ({@code i mod lanes}), so another count would read them wrongly. To change
 * it, the agent first seals the whole journal with the old count; then {@link #relane} rewrites the ledger, in one
 * durable write, for the new count with every stream complete through the journal's last entry. A crash before that
 * write leaves the old count, and the next start drains again; after it, the new count resumes past everything sealed.
 */
public final class LaneChange {
    private LaneChange() {}

    /** The lane count recorded in the ledger of the spool at {@code root}; -1 when there is none or it cannot be read. */
    public static int recordedLanes(Path root) {
        return JournalProgressFile.recordedLanes(root);
    }

    /**
     * Rewrites the ledger at {@code root}, written for {@code from} lanes, for {@code to} lanes, once every entry
     * through {@code lastIndex} is sealed for every stream. Throws, changing nothing, when it is not.
     */
    public static void relane(Path root, int from, int to, long lastIndex, JournalSource source) throws IOException {
        JournalProgressFile file = new JournalProgressFile(root, source);
        JournalProgress.Snapshot old = file.read(from);
        if (old == null) throw new IOException("no ledger " + file.path() + " to change from " + from + " lanes");
        long through = completeThrough(old.completeThrough());
        if (through < lastIndex) {
            throw new IOException("the journal is sealed through entry " + through + " of " + lastIndex + " with " + from
                    + " lanes; start again with spool.lanes: " + from + " (or raise shutdown.drain_timeout) to finish sealing first");
        }
        long[] all = new long[to];
        Arrays.fill(all, through);
        file.write(new JournalProgress.Snapshot(all, Map.of()));
    }

    /**
     * The highest index X such that every entry up to X is complete in its lane: lane l is complete through
     * {@code c[l]}, so its first entry not known complete is the first index above {@code c[l]} that is l mod lanes.
     */
    static long completeThrough(long[] c) {
        int lanes = c.length;
        long firstMissing = Long.MAX_VALUE;
        for (int l = 0; l < lanes; l++) {
            long next = c[l] + 1;
            firstMissing = Math.min(firstMissing, next + Math.floorMod(l - next, (long) lanes));
        }
        return firstMissing - 1;
    }
}
