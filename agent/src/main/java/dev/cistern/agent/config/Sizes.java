package dev.cistern.agent.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Human sizes. {@code KiB/MiB/GiB/TiB} (or Kubernetes' {@code Ki/Mi/Gi/Ti}) are powers of two,
 * {@code KB/MB/GB/TB} powers of ten, as their standards say; a bare {@code k/M/G} is refused because
 * people mean both. Fractions are allowed ({@code 1.5GiB}). Durations are in {@link Durations}.
 */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)");
    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("", 1L), Map.entry("b", 1L),
            Map.entry("kib", 1L << 10), Map.entry("mib", 1L << 20), Map.entry("gib", 1L << 30), Map.entry("tib", 1L << 40),
            Map.entry("ki", 1L << 10), Map.entry("mi", 1L << 20), Map.entry("gi", 1L << 30), Map.entry("ti", 1L << 40),
            Map.entry("kb", 1_000L), Map.entry("mb", 1_000_000L), Map.entry("gb", 1_000_000_000L),
            Map.entry("tb", 1_000_000_000_000L));
    private static final String HINT = "use e.g. 512KiB, 64MiB, 1.5GiB (powers of two), 500MB (powers of ten) or a byte count";

    private Sizes() {}

    /** Bytes for {@code value}; a {@link ConfigException} naming {@code key} when it is not a size. */
    public static long bytes(String key, String value) {
        Matcher m = SIZE.matcher(value == null ? "" : value.strip());
        if (!m.matches()) throw new ConfigException(key, "'" + value + "' is not a size; " + HINT);
        String unit = m.group(2);
        Long mult = UNITS.get(unit.toLowerCase(Locale.ROOT));
        if (mult == null && unit.length() == 1 && "kmgtKMGT".indexOf(unit.charAt(0)) >= 0) {
            String n = m.group(1);
            String u = unit.toUpperCase(Locale.ROOT);
            throw new ConfigException(key, "'" + value + "' is ambiguous: write " + n + u + "iB (powers of two) or "
                    + n + u + "B (powers of ten)");
        }
        if (mult == null) throw new ConfigException(key, "'" + value + "': unknown unit '" + unit + "'; " + HINT);
        BigDecimal b = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(mult));
        if (b.stripTrailingZeros().scale() > 0) {
            throw new ConfigException(key, "'" + value + "' is not a whole number of bytes; " + HINT);
        }
        try {
            return b.longValueExact();
        } catch (ArithmeticException e) {
            throw new ConfigException(key, "'" + value + "' is too large");
        }
    }

    /** Kept for the config's callers: the same as {@link Durations#parse}. */
    public static Duration duration(String key, String value) {
        return Durations.parse(key, value);
    }

    /** A duration from {@code min} to {@code max}; the ConfigException names the key and the range in config words. */
    static Duration durationBetween(String key, String value, Duration min, Duration max, String range) {
        Duration d = duration(key, value);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) throw new ConfigException(key, "must be " + range + ", was '" + value + "'");
        return d;
    }
}
