package dev.cistern.cli;

import dev.cistern.agent.config.ConfigException;
import dev.cistern.agent.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Durations on the command line, as in the config: {@code 500ms}, {@code 1.5s}, {@code 1m30s}, {@code 2h}, {@code PT5M}. */
final class DurationArg implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String s) {
        try {
            return Durations.parse("", s);
        } catch (ConfigException e) {
            throw new CommandLine.TypeConversionException("'" + s + "' is not a duration: use e.g. 500ms, 1.5s, 1m30s, 2h");
        }
    }
}
