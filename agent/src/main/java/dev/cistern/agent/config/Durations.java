package dev.cistern.agent.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Human durations, as Go and Prometheus write them: one or more number-unit parts ({@code 250ms},
 * {@code 1.5s}, {@code 1m30s}, {@code 7d}; units {@code ns us µs ms s m h d w}), or ISO 8601
 * ({@code PT1M30S}, {@code P7D}).
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d|w)");
    private static final String HINT = "use e.g. 250ms, 1.5s, 1m30s, 6h, 7d or ISO 8601 (PT1M30S)";

    private Durations() {}

    /** The duration {@code value} means; a {@link ConfigException} naming {@code key} when it is not one. */
    public static Duration parse(String key, String value) {
        String v = value == null ? "" : value.strip();
        if (v.toUpperCase(Locale.ROOT).startsWith("P")) return iso(key, v);
        if (v.equals("0")) return Duration.ZERO;
        Matcher m = PART.matcher(v);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < v.length() && m.find(at) && m.start() == at) {
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            at = m.end();
        }
        if (at == 0 || at != v.length()) throw new ConfigException(key, "'" + value + "' is not a duration; " + HINT);
        try {
            return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException e) {
            throw new ConfigException(key, "'" + value + "' is too long (at most about 292 years)");
        }
    }

    private static Duration iso(String key, String v) {
        try {
            return Duration.parse(v.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new ConfigException(key, "'" + v + "' is not an ISO 8601 duration; " + HINT);
        }
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> 604_800_000_000_000L; // w
        };
    }
}
