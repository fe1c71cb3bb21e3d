package dev.cistern.cli;

import dev.cistern.agent.ndjson.EventTimeFormat;
import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** An event-time format on the command line, named as in the config's {@code event_time.format}. */
final class TimeFormatArg implements CommandLine.ITypeConverter<EventTimeFormat> {
    @Override
    public EventTimeFormat convert(String s) {
        EventTimeFormat f = EventTimeFormat.named(s);
        if (f != null) return f;
        String names = Arrays.stream(EventTimeFormat.values()).map(EventTimeFormat::configName).collect(Collectors.joining(", "));
        throw new CommandLine.TypeConversionException("'" + s + "' is not a time format: use one of " + names);
    }
}
