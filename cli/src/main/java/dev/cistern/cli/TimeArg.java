package dev.cistern.cli;

import dev.cistern.agent.config.Durations;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Times on the command line: epoch milliseconds, an ISO instant ({@code 2025-11-22T01:00:00Z}),
 * a UTC date-time or date ({@code 2025-11-22T01:00}, {@code 2025-11-22}), or an age before now
 * ({@code 90m}, {@code 1h30m}, {@code 7d}). Seconds are optional everywhere.
 */
final class TimeArg implements CommandLine.ITypeConverter<Long> {
    /** ISO 8601 with an offset; seconds and fractions optional, offset as Z, +01:00 or +0100. */
    private static final DateTimeFormatter OFFSET = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendPattern("[XXX][XX]").toFormatter(Locale.ROOT);

    @Override
    public Long convert(String s) {
        return parse(s, Instant.now());
    }

    static long parse(String s, Instant now) {
        String t = s.strip();
        try {
            if (t.matches("-?\\d{10,}")) return Long.parseLong(t);
            if (t.matches("(\\d+(\\.\\d+)?[smhdw])+")) return now.minus(Durations.parse("", t)).toEpochMilli();
            if (t.endsWith("Z") || t.endsWith("z") || t.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                return OffsetDateTime.parse(t.toUpperCase(Locale.ROOT), OFFSET).toInstant().toEpochMilli();
            }
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
