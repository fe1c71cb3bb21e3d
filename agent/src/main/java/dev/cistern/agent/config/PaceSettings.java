package dev.cistern.agent.config;

/** {@code journal.pace_above_bytes}: the journal lag above which ingest requests wait for the sealer lanes. */
public final class PaceSettings {
    private PaceSettings() {}

    /** The pace mark of a checked configuration. */
    public static long of(ResolvedConfig c) {
        return paceAbove(c.raw().journal, c.maxLagBytes());
    }

    /**
     * A sixteenth of {@code journal.max_lag_bytes} unless set: where adaptive quality reaches its floor
     * ({@code LevelPolicy.forLimit}), so past it taking requests faster only grows the backlog.
     */
    static long paceAbove(AgentConfig.Journal j, long maxLag) {
        if (j.paceAboveBytes == null || j.paceAboveBytes.isBlank()) return Math.max(1, maxLag / 16);
        long mark = Sizes.bytes("journal.pace_above_bytes", j.paceAboveBytes);
        if (mark < 1 || mark > maxLag) {
            throw new ConfigException("journal.pace_above_bytes", "must be 1 byte up to journal.max_lag_bytes (" + maxLag
                    + "), was " + j.paceAboveBytes + "; set it to max_lag_bytes to take requests at full speed until that limit");
        }
        return mark;
    }
}
