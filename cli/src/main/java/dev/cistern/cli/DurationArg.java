package dev.cistern.cli;

import java.time.Duration;
import picocli.CommandLine;

/** Durations on the command line: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}. */
final class DurationArg implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String s) {
        String t = s.strip();
        try {
            if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("'" + s + "' is not a duration: use e.g. 500ms, 30s, 5m, 2h");
        }
    }
}
