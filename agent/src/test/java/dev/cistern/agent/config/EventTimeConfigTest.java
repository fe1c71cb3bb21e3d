package dev.cistern.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.ndjson.EventTime;
import dev.cistern.agent.ndjson.EventTimeFormat;
import dev.cistern.agent.ndjson.EventTimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventTimeConfigTest {
    @TempDir Path dir;

    private EventTimes load(String yaml) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return ConfigLoader.load(f, Map.of(), Map.of()).ndjsonEventTimes();
    }

    private ConfigException fails(String yaml) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of(), Map.of()));
    }

    @Test
    void theDefaultIsWhatRowsAlwaysHad() {
        ResolvedConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertEquals(EventTime.DEFAULT, c.ndjsonEventTimes().of("anything"));
        assertEquals(new EventTime("ts", EventTimeFormat.EPOCH_MS, EventTime.OnUnparsable.ARRIVAL), EventTime.DEFAULT);
        String printed = ConfigLoader.toYaml(c.raw());
        assertTrue(printed.contains("event_time:") && printed.contains("format: \"epoch_ms\"")
                && printed.contains("on_unparsable: \"arrival\""), printed);
    }

    @Test
    void streamsTakeTheirOwnAndInheritWhatTheyLeaveOut() throws Exception {
        EventTimes t = load("""
                ingest:
                  ndjson:
                    event_time: {format: auto}
                    streams:
                      app-logs:
                        event_time: {field: "@timestamp", format: rfc3339, on_unparsable: reject}
                      audit:
                        event_time: {field: time}
                      plain: {}
                """);
        assertEquals(new EventTime("@timestamp", EventTimeFormat.RFC3339, EventTime.OnUnparsable.REJECT), t.of("app-logs"));
        assertEquals(new EventTime("time", EventTimeFormat.AUTO, EventTime.OnUnparsable.ARRIVAL), t.of("audit"));
        assertEquals(new EventTime("ts", EventTimeFormat.AUTO, EventTime.OnUnparsable.ARRIVAL), t.of("plain"));
        assertEquals(new EventTime("ts", EventTimeFormat.AUTO, EventTime.OnUnparsable.ARRIVAL), t.of("other"));
        assertEquals(Set.of("app-logs", "audit", "plain"), t.streams());
        EventTimes env = ConfigLoader.load(null, Map.of("CISTERN_INGEST__NDJSON__STREAMS__LOGS__EVENT_TIME__FORMAT", "epoch_s"),
                Map.of()).ndjsonEventTimes();
        assertEquals(new EventTime("ts", EventTimeFormat.EPOCH_S, EventTime.OnUnparsable.ARRIVAL), env.of("logs"));
    }

    @Test
    void wrongValuesNameTheirKey() throws Exception {
        ConfigException format = fails("ingest:\n  ndjson:\n    event_time: {format: iso8601}\n");
        assertEquals("ingest.ndjson.event_time.format", format.key());
        assertTrue(format.getMessage().contains("rfc3339") && format.getMessage().contains("epoch_ms"), format.getMessage());
        assertEquals("ingest.ndjson.streams.app.event_time.on_unparsable",
                fails("ingest:\n  ndjson:\n    streams:\n      app:\n        event_time: {on_unparsable: drop}\n").key());
        assertEquals("ingest.ndjson.streams.app.event_time.field",
                fails("ingest:\n  ndjson:\n    streams:\n      app:\n        event_time: {field: \"\"}\n").key());
        assertEquals("ingest.ndjson.streams.App Logs",
                fails("ingest:\n  ndjson:\n    streams:\n      \"App Logs\":\n        event_time: {format: auto}\n").key());
        ConfigException unknown = fails("ingest:\n  ndjson:\n    event_time: {zone: UTC}\n");
        assertTrue(unknown.key().contains("event_time"), unknown.key());
    }
}
