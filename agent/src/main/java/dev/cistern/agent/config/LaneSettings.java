package dev.cistern.agent.config;

/** Checks {@code spool.lanes}, the applier lane count (see docs/operations.md, "Applier lanes"). */
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
}
