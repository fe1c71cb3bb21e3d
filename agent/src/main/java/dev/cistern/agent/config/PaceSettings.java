package dev.cistern.agent.config;

import dev.cistern.agent.remotewrite.RemoteWriteHandoff;

/** {@code journal.pace_above_bytes}: the journal lag above which ingest requests wait for the sealer lanes. */
public final class PaceSettings {
    private PaceSettings() {}

    /** The pace mark of a checked configuration. */
    public static long of(ResolvedConfig c) {
        return paceAbove(c.raw().journal, c.maxLagBytes());
    }

    /**
     * Unless set, a sixteenth of {@code journal.max_lag_bytes}, and at most what the hand-off holds of decoded rows for
     * the lanes (a sixteenth of the heap): a lane further behind finds no rows handed over and decodes its entries
     * again from the journal, the HTTP side's work twice, just when it is short of CPU. Adaptive quality is at its floor
     * from this mark ({@code LevelPolicy.forLimit}).
     */
    static long paceAbove(AgentConfig.Journal j, long maxLag) {
        if (j.paceAboveBytes == null || j.paceAboveBytes.isBlank()) {
            return Math.max(1, Math.min(maxLag / 16, RemoteWriteHandoff.defaultBudget()));
        }
        long mark = Sizes.bytes("journal.pace_above_bytes", j.paceAboveBytes);
        if (mark < 1 || mark > maxLag) {
            throw new ConfigException("journal.pace_above_bytes", "must be 1 byte up to journal.max_lag_bytes (" + maxLag
                    + "), was " + j.paceAboveBytes + "; set it to max_lag_bytes to take requests at full speed until that limit");
        }
        return mark;
    }
}
