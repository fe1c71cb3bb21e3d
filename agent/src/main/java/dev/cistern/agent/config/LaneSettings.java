package dev.cistern.agent.config;

import dev.cistern.spool.SpoolConfig;

/** Checks what the applier lanes are given: {@code spool.lanes} and {@code spool.series_block_rows} (docs/operations.md). */
public final class LaneSettings {
    /** Two lanes compress on both cores of a small box; more help only where there are more cores. */
    public static final int DEFAULT_LANES = 2;
    static final int MAX_LANES = 64;

    private LaneSettings() {}

    /** {@code spool.lanes}: 1-64; the ConfigException names the key. */
    public static int lanes(AgentConfig.Spool s) {
        if (s.lanes < 1 || s.lanes > MAX_LANES) throw new ConfigException("spool.lanes", "must be 1-" + MAX_LANES + ", was " + s.lanes);
        return s.lanes;
    }

    /** {@code spool.series_block_rows}: 0 (rows in arrival order) to 1,048,576; the ConfigException names the key. */
    public static int seriesBlockRows(AgentConfig.Spool s) {
        int max = SpoolConfig.MAX_SERIES_BLOCK_ROWS;
        if (s.seriesBlockRows < 0 || s.seriesBlockRows > max) {
            throw new ConfigException("spool.series_block_rows", "must be 0-" + max + ", was " + s.seriesBlockRows);
        }
        return s.seriesBlockRows;
    }
}
