package dev.cistern.agent.config;

import dev.cistern.spool.SpoolConfig;
import java.util.Set;

/**
 * {@code spool.quality}: a Brotli quality 0-11 for every segment, or {@code auto} (the default): each segment's
 * quality is chosen as it opens, between {@code spool.quality_min} and {@code spool.quality_max}, from how far
 * the spool is behind the journal (docs/operations.md, "Adaptive quality").
 */
public record QualitySettings(boolean auto, int fixed, int min, int max, Set<String> fixedLevelStreams) {
    public static final String AUTO = "auto";
    public static final int DEFAULT_MIN = 1;
    public static final int DEFAULT_MAX = SpoolConfig.DEFAULT_QUALITY;

    /** With the streams whose {@code routing.streams.<s>.level} is set: their level stays when the others adapt. */
    static QualitySettings of(AgentConfig c) {
        QualitySettings q = of(c.spool);
        return new QualitySettings(q.auto, q.fixed, q.min, q.max, StreamCodecs.fixedLevels(c));
    }

    static QualitySettings of(AgentConfig.Spool s) {
        int min = level("spool.quality_min", s.qualityMin);
        int max = level("spool.quality_max", s.qualityMax);
        String q = s.quality == null ? "" : s.quality.strip();
        if (q.equalsIgnoreCase(AUTO)) {
            if (min > max) throw new ConfigException("spool.quality_min", "must not be above spool.quality_max (" + max + "), was " + min);
            return new QualitySettings(true, max, min, max, Set.of());
        }
        int fixed;
        try {
            fixed = Integer.parseInt(q);
        } catch (NumberFormatException e) {
            throw new ConfigException("spool.quality", "must be auto or a Brotli quality 0-11, was '" + q + "'");
        }
        return new QualitySettings(false, level("spool.quality", fixed), fixed, fixed, Set.of());
    }

    private static int level(String key, int value) {
        if (value < 0 || value > 11) throw new ConfigException(key, "must be 0-11, was " + value);
        return value;
    }

    @Override
    public String toString() {
        return auto ? "auto (" + min + "-" + max + ")" : Integer.toString(fixed);
    }
}
