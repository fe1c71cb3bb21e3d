package dev.cistern.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/**
 * Times on the command line: epoch milliseconds, an ISO instant ({@code 2025-11-22T01:00:00Z}),
 * a UTC date-time or date ({@code 2025-11-22T01:00}, {@code 2025-11-22}), or an age before now
 * ({@code 90m}, {@code 2h}, {@code 7d}).
 */
final class TimeArg implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String s) {
        return parse(s, Instant.now());
    }

    static long parse(String s, Instant now) {
        String t = s.strip();
        try {
            if (t.matches("-?\\d{10,}")) return Long.parseLong(t);
            if (t.matches("\\d+[smhd]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                Duration d = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return now.minus(d).toEpochMilli();
            }
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) return Instant.parse(t).toEpochMilli();
            if (t.contains("T")) return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + s + "' is not a time: use epoch ms, "
                    + "2025-11-22T01:00:00Z, 2025-11-22T01:00 (UTC), 2025-11-22, or an age like 90m, 2h, 7d");
        }
    }

    static String format(long epochMillis) {
        if (epochMillis == Long.MAX_VALUE || epochMillis == Long.MIN_VALUE) return "-";
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
