package dev.cistern.spool;

import java.util.Objects;

/**
 * A codec and its two knobs. {@code level}: Brotli quality 0-11, zstd level 1-22, gzip level 1-9.
 * {@code window}: Brotli window (log2 bytes, 10-24); zstd long-distance window (log2 bytes, 10-27,
 * or 0 for off: 27 is the most any zstd decoder opens without being told to, so {@code zstd -d} and
 * query engines read every file); gzip has none (0). Out-of-range values throw
 * {@link IllegalArgumentException} naming the knob, which config loaders turn into an error naming their key.
 */
public record CodecSettings(Codec codec, int level, int window) {
    public static final int DEFAULT_ZSTD_LEVEL = 3;
    public static final int DEFAULT_GZIP_LEVEL = 6;
    public static final CodecSettings DEFAULT = brotli(SpoolConfig.DEFAULT_QUALITY, SpoolConfig.DEFAULT_WINDOW);

    public CodecSettings {
        Objects.requireNonNull(codec, "codec");
        switch (codec) {
            case BROTLI -> {
                check("level", level, 0, 11, "Brotli quality");
                check("window", window, 10, 24, "Brotli window (log2 bytes)");
            }
            case ZSTD -> {
                check("level", level, 1, 22, "zstd level");
                if (window != 0) check("window", window, 10, 27, "zstd long-distance window (log2 bytes, or 0 for off)");
            }
            case GZIP -> {
                check("level", level, 1, 9, "gzip level");
                if (window != 0) {
                    throw new IllegalArgumentException("window: gzip has no window setting (its window is 32 KiB), was " + window);
                }
            }
        }
    }

    public static CodecSettings brotli(int quality, int window) {
        return new CodecSettings(Codec.BROTLI, quality, window);
    }

    public static CodecSettings zstd(int level, int longWindow) {
        return new CodecSettings(Codec.ZSTD, level, longWindow);
    }

    public static CodecSettings gzip(int level) {
        return new CodecSettings(Codec.GZIP, level, 0);
    }

    /**
     * The codec with a level and window where given (null: the codec's default; for Brotli the
     * spool's quality and window, {@code brotliDefault}).
     */
    public static CodecSettings of(Codec codec, Integer level, Integer window, CodecSettings brotliDefault) {
        return switch (codec) {
            case BROTLI -> brotli(level == null ? brotliDefault.level() : level, window == null ? brotliDefault.window() : window);
            case ZSTD -> zstd(level == null ? DEFAULT_ZSTD_LEVEL : level, window == null ? 0 : window);
            case GZIP -> new CodecSettings(Codec.GZIP, level == null ? DEFAULT_GZIP_LEVEL : level, window == null ? 0 : window);
        };
    }

    private static void check(String knob, int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(knob + ": " + what + " must be " + min + "-" + max + ", was " + value);
        }
    }

    @Override
    public String toString() {
        return codec.configName() + " level " + level + (window == 0 ? "" : " window " + window);
    }
}
