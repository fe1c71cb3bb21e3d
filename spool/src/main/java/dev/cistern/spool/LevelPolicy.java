package dev.cistern.spool;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Adaptive levels for every codec: one {@link AdaptiveLevel} per codec, all fed by the same backlog, each
 * between its own floor and ceiling (a Brotli quality, a zstd or gzip level). Streams of one codec share
 * its controller. The automatic bounds of zstd and gzip are fixed here: zstd 1-9 (3 is its default; 10 and
 * up cost several times the CPU for a few percent), gzip 1-6 (6 is its default; 7-9 cost twice the CPU for
 * under 1%). A stream that sets its level keeps it ({@link SpoolConfig.Builder#fixedLevel}).
 */
public final class LevelPolicy {
    public static final int ZSTD_MIN = 1;
    public static final int ZSTD_MAX = 9;
    public static final int GZIP_MIN = 1;
    public static final int GZIP_MAX = 6;

    private final Map<Codec, AdaptiveLevel> levels;

    private LevelPolicy(Map<Codec, AdaptiveLevel> levels) {
        levels.forEach((codec, l) -> {
            try {
                int window = codec == Codec.BROTLI ? SpoolConfig.DEFAULT_WINDOW : 0;
                new CodecSettings(codec, l.min(), window);
                new CodecSettings(codec, l.max(), window);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("adaptive " + codec.configName() + " levels " + l.min() + "-" + l.max()
                        + ": " + e.getMessage(), e);
            }
        });
        this.levels = levels;
    }

    /**
     * Brotli between {@code brotliMin} and {@code brotliMax}, the others between their bounds; marks from {@code limit},
     * with the floor reached at {@code floorAt} bytes of backlog if that is lower ({@link AdaptiveLevel#forLimit}).
     */
    public static LevelPolicy forLimit(int brotliMin, int brotliMax, LongSupplier backlog, long limit, long floorAt) {
        Map<Codec, AdaptiveLevel> m = new EnumMap<>(Codec.class);
        m.put(Codec.BROTLI, AdaptiveLevel.forLimit(brotliMin, brotliMax, backlog, limit, floorAt));
        m.put(Codec.ZSTD, AdaptiveLevel.forLimit(ZSTD_MIN, ZSTD_MAX, backlog, limit, floorAt));
        m.put(Codec.GZIP, AdaptiveLevel.forLimit(GZIP_MIN, GZIP_MAX, backlog, limit, floorAt));
        return new LevelPolicy(m);
    }

    /** A controller per codec (tests give their own clock and marks). */
    public static LevelPolicy of(AdaptiveLevel brotli, AdaptiveLevel zstd, AdaptiveLevel gzip) {
        Map<Codec, AdaptiveLevel> m = new EnumMap<>(Codec.class);
        m.put(Codec.BROTLI, brotli);
        m.put(Codec.ZSTD, zstd);
        m.put(Codec.GZIP, gzip);
        return new LevelPolicy(m);
    }

    /** The controller of a codec. */
    public AdaptiveLevel of(Codec codec) {
        return levels.get(codec);
    }

    /** The settings a segment opening now gets: the codec's window, the controller's level. */
    CodecSettings next(CodecSettings base) {
        return new CodecSettings(base.codec(), levels.get(base.codec()).next(), base.window());
    }

    @Override
    public String toString() {
        return "auto " + levels;
    }
}
