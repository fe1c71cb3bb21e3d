package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.config.ConfigException;
import dev.cistern.agent.config.LaneSettings;
import dev.cistern.agent.config.PaceSettings;
import dev.cistern.agent.config.ConfigLoader;
import dev.cistern.agent.config.ShutdownSettings;
import dev.cistern.agent.config.ResolvedConfig;
import dev.cistern.agent.http.Transport;
import dev.cistern.agent.remotewrite.RemoteWriteHandoff;
import dev.cistern.agent.remotewrite.RemoteWriteRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigValidationTest {
    @TempDir Path dir;

    private ConfigException fails(String yaml, Map<String, String> env) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(f, env, Map.of()));
    }

    @Test
    void embeddedDefaultsAreValid() {
        ResolvedConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertEquals("127.0.0.1", c.listen().getHostString());
        assertEquals(Path.of("data"), c.dataDir());
        assertEquals("metrics", c.defaultStream());
    }

    @Test
    void shutdownDrainTimeoutDefaultsTo30sAndNamesItsKeyWhenWrong() throws Exception {
        ResolvedConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertEquals(Duration.ofSeconds(30), ShutdownSettings.drainTimeout(c.raw().shutdown));
        assertTrue(ConfigLoader.toYaml(c.raw()).contains("drain_timeout: \"30s\""), "--print-config shows it");
        assertEquals(Duration.ofSeconds(5), ShutdownSettings.drainTimeout(
                ConfigLoader.load(null, Map.of("CISTERN_SHUTDOWN__DRAIN_TIMEOUT", "5s"), Map.of()).raw().shutdown));
        assertEquals("shutdown.drain_timeout", fails("shutdown:\n  drain_timeout: 0s\n", Map.of()).key());
        assertEquals("shutdown.drain_timeout", fails("shutdown:\n  drain_timeout: 2h\n", Map.of()).key());
        assertEquals("shutdown.drain_timeout", fails("shutdown:\n  drain_timeout: soon\n", Map.of()).key());
    }

    @Test
    void spoolLanesDefaultTo2AndNameTheirKeyWhenWrong() throws Exception {
        ResolvedConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertEquals(2, LaneSettings.lanes(c.raw().spool));
        assertEquals(4, LaneSettings.lanes(ConfigLoader.load(null, Map.of("CISTERN_SPOOL__LANES", "4"), Map.of()).raw().spool));
        assertEquals("spool.lanes", fails("spool:\n  lanes: 0\n", Map.of()).key());
        assertEquals("spool.lanes", fails("spool:\n  lanes: 65\n", Map.of()).key());
    }

    @Test
    void seriesBlockRowsDefaultTo65536AndNameTheirKeyWhenWrong() throws Exception {
        assertEquals(65_536, LaneSettings.seriesBlockRows(ConfigLoader.load(null, Map.of(), Map.of()).raw().spool));
        assertEquals(0, LaneSettings.seriesBlockRows(
                ConfigLoader.load(null, Map.of("CISTERN_SPOOL__SERIES_BLOCK_ROWS", "0"), Map.of()).raw().spool));
        assertEquals("spool.series_block_rows", fails("spool:\n  series_block_rows: -1\n", Map.of()).key());
        assertEquals("spool.series_block_rows", fails("spool:\n  series_block_rows: 2000000\n", Map.of()).key());
    }

    @Test
    void paceMarkDefaultsToASixteenthOfTheLagLimitAndNamesItsKeyWhenWrong() throws Exception {
        assertEquals(Math.min(64L << 20, RemoteWriteHandoff.defaultBudget()), PaceSettings.of(ConfigLoader.load(null, Map.of(), Map.of())),
                "a sixteenth of max_lag_bytes, at most what the lanes are handed in memory");
        assertEquals(8L << 20, PaceSettings.of(ConfigLoader.load(null, Map.of("CISTERN_JOURNAL__MAX_LAG_BYTES", "128MiB",
                "CISTERN_JOURNAL__PACE_ABOVE_BYTES", "8MiB"), Map.of())));
        assertEquals(128L << 20, PaceSettings.of(ConfigLoader.load(null, Map.of("CISTERN_JOURNAL__MAX_LAG_BYTES", "128MiB",
                "CISTERN_JOURNAL__PACE_ABOVE_BYTES", "128MiB"), Map.of())), "max_lag_bytes: no pacing");
        assertEquals("journal.pace_above_bytes", fails("journal:\n  max_lag_bytes: 64MiB\n  pace_above_bytes: 65MiB\n", Map.of()).key());
        assertEquals("journal.pace_above_bytes", fails("journal:\n  pace_above_bytes: 0\n", Map.of()).key());
        assertEquals("journal.pace_above_bytes", fails("journal:\n  pace_above_bytes: lots\n", Map.of()).key());
    }

    @Test
    void journalSyncIsNoneOrSync() throws Exception {
        assertEquals(false, ConfigLoader.load(null, Map.of(), Map.of()).journalSync(), "acknowledged = in the page cache, by default");
        Path f = dir.resolve("sync.yaml");
        Files.writeString(f, "journal:\n  sync: sync\n");
        assertEquals(true, ConfigLoader.load(f, Map.of(), Map.of()).journalSync());
        ConfigException e = fails("journal:\n  sync: always\n", Map.of());
        assertEquals("journal.sync", e.key());
        assertTrue(e.getMessage().contains("none") && e.getMessage().contains("sync"), e.getMessage());
    }

    @Test
    void inputRulesHaveDefaultsAndNameTheirKeyWhenWrong() throws Exception {
        ResolvedConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertEquals(64, c.ndjsonMaxDepth());
        assertEquals(new RemoteWriteRules(false, false, Duration.ofDays(7), Duration.ofMinutes(10), false), c.remoteWriteRules());
        assertEquals(RemoteWriteRules.DEFAULT, c.remoteWriteRules());
        assertTrue(ConfigLoader.toYaml(c.raw()).contains("max_depth: 64"), "--print-config shows them");
        String rw = "ingest:\n  remote_write:\n    ";
        assertEquals("ingest.ndjson.max_depth", fails("ingest:\n  ndjson:\n    max_depth: 0\n", Map.of()).key());
        assertEquals("ingest.ndjson.max_depth", fails("ingest:\n  ndjson:\n    max_depth: 100000\n", Map.of()).key());
        assertEquals(32, c.ndjsonStreams().max());
        assertEquals("ingest.ndjson.max_streams", fails("ingest:\n  ndjson:\n    max_streams: -1\n", Map.of()).key());
        assertEquals("ingest.ndjson.max_streams", fails("ingest:\n  ndjson:\n    max_streams: 10001\n", Map.of()).key());
        assertEquals("ingest.remote_write.invalid_series", fails(rw + "invalid_series: fix\n", Map.of()).key());
        assertEquals("ingest.remote_write.stale_markers", fails(rw + "stale_markers: reject\n", Map.of()).key());
        assertEquals("ingest.remote_write.out_of_window", fails(rw + "out_of_window: clamp\n", Map.of()).key());
        assertEquals("ingest.remote_write.max_age", fails(rw + "max_age: 0s\n", Map.of()).key());
        assertEquals("ingest.remote_write.max_age", fails(rw + "max_age: 40000d\n", Map.of()).key());
        assertEquals("ingest.remote_write.max_future", fails(rw + "max_future: soon\n", Map.of()).key());
        Path f = dir.resolve("drop.yaml");
        Files.writeString(f, rw + "invalid_series: drop\n    stale_markers: drop\n    out_of_window: drop\n    max_age: 1h\n");
        assertEquals(new RemoteWriteRules(true, true, Duration.ofHours(1), Duration.ofMinutes(10), true),
                ConfigLoader.load(f, Map.of(), Map.of()).remoteWriteRules());
    }

    @Test
    void serverLimitsHaveDefaultsAndNameTheirKey() throws Exception {
        ResolvedConfig c = ConfigLoader.load(null, Map.of(), Map.of());
        assertEquals(1024, c.server().maxConnections());
        assertEquals(10, c.server().headerTimeout().toSeconds());
        assertTrue(c.server().maxInflightBytes() >= c.server().maxBodyBytes(), "in-flight bytes default from the heap, at least one body");
        assertEquals(Math.min(c.maxBodyBytes(), c.server().maxInflightBytes()), c.server().maxBodyBytes(),
                "a body limit over the default budget is held to it (a WARN says so), not the budget raised to it");
        String yaml = ConfigLoader.toYaml(c.raw());
        assertTrue(yaml.matches("(?s).*max_inflight_bytes: \"?" + (c.server().maxInflightBytes() >> 20) + "MiB.*"),
                "--print-config shows the derived in-flight limit: " + yaml);
        assertEquals("server.max_connections", fails("server:\n  max_connections: 0\n", Map.of()).key());
        assertEquals("server.header_timeout", fails("server:\n  header_timeout: 0s\n", Map.of()).key());
        assertEquals("server.body_min_rate", fails("server:\n  body_min_rate: fast\n", Map.of()).key());
        assertEquals("server.max_inflight_bytes", fails("server:\n  max_inflight_bytes: 1KiB\n", Map.of()).key());
        long overHalf = Runtime.getRuntime().maxMemory() / 2 + (1 << 20);
        assertEquals("server.max_inflight_bytes", fails("server:\n  max_inflight_bytes: " + overHalf + "\n", Map.of()).key(),
                "a budget over half the heap would let requests exhaust it");
        assertEquals(2, c.server().inflightWait().toSeconds());
        assertEquals("server.inflight_wait", fails("server:\n  inflight_wait: soon\n", Map.of()).key());
        assertEquals("server.max_queued_requests", fails("server:\n  max_queued_requests: -1\n", Map.of()).key());
    }

    @Test
    void transportIsAutoByDefaultAndNamedWhenWrong() throws Exception {
        assertEquals(Transport.AUTO, ConfigLoader.load(null, Map.of(), Map.of()).server().transport());
        assertEquals(Transport.NIO, ConfigLoader.load(null, Map.of("CISTERN_SERVER__TRANSPORT", "NIO"), Map.of()).server().transport());
        ConfigException e = fails("server:\n  transport: io_uring\n", Map.of());
        assertEquals("server.transport", e.key());
        assertTrue(e.getMessage().contains("auto, epoll or nio"), e.getMessage());
        if (Transport.epollUnavailable() == null) {
            assertEquals(Transport.EPOLL, ConfigLoader.load(null, Map.of("CISTERN_SERVER__TRANSPORT", "epoll"), Map.of()).server().transport());
        } else {
            assertTrue(fails("server:\n  transport: epoll\n", Map.of()).getMessage().contains("epoll does not load here"));
        }
    }

    @Test
    void unknownKeyIsNamed() throws Exception {
        ConfigException e = fails("spool:\n  qualty: 5\n", Map.of());
        assertEquals("spool.qualty", e.key());
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
    }

    @Test
    void badValuesNameTheirKey() throws Exception {
        assertEquals("spool.quality", fails("spool:\n  quality: 12\n", Map.of()).key());
        assertEquals("spool.quality", fails("spool:\n  quality: high\n", Map.of()).key());
        assertEquals("spool.rotate_bytes", fails("spool:\n  rotate_bytes: lots\n", Map.of()).key());
        assertEquals("spool.rotate_age", fails("spool:\n  rotate_age: 5 fortnights\n", Map.of()).key());
        assertEquals("listen", fails("listen: nowhere\n", Map.of()).key());
        assertEquals("journal.roll_cycle", fails("journal:\n  roll_cycle: YEARLY\n", Map.of()).key());
        assertEquals("routing.default_stream", fails("routing:\n  default_stream: Bad/Name\n", Map.of()).key());
        assertEquals("routing.rules[0].name_regex", fails("routing:\n  rules:\n    - stream: a\n      name_regex: '('\n", Map.of()).key());
        assertEquals("routing.rules[1].stream", fails("routing:\n  rules:\n    - stream: a\n      name: x\n    - stream: '../x'\n      name: y\n", Map.of()).key());
        assertEquals("auth.bearer_token_file", fails("auth:\n  bearer_token_file: /no/such/file\n", Map.of()).key());
    }

    @Test
    void atMostSixtyFourRoutedStreamsAndTheKeyOfTheOneTooManyIsNamed() throws Exception {
        StringBuilder rules = new StringBuilder("routing:\n  default_stream: ''\n  rules:\n");
        for (int i = 0; i < 64; i++) rules.append("    - stream: s").append(i).append("\n      name: m").append(i).append("\n");
        Path f = dir.resolve("64.yaml");
        Files.writeString(f, rules.toString());
        assertEquals(64, ConfigLoader.load(f, Map.of(), Map.of()).rules().size(), "64 streams fit a route's bits");
        ConfigException byDefault = fails(rules.toString().replace("default_stream: ''", "default_stream: other"), Map.of());
        assertEquals("routing.default_stream", byDefault.key());
        ConfigException byRule = fails(rules + "    - stream: s64\n      name: m64\n", Map.of());
        assertEquals("routing.rules[64].stream", byRule.key());
        assertTrue(byRule.getMessage().contains("at most 64"), byRule.getMessage());
    }

    @Test
    void environmentOverridesFileAndIsNamedWhenWrong() throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "spool:\n  quality: 5\n");
        assertEquals(7, ConfigLoader.load(f, Map.of("CISTERN_SPOOL__QUALITY", "7"), Map.of()).quality());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(f, Map.of("CISTERN_SPOOL__QUALITY", "99"), Map.of()));
        assertEquals("spool.quality", e.key());
        assertEquals("spool.nope", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(f, Map.of("CISTERN_SPOOL__NOPE", "1"), Map.of())).key());
    }

    @Test
    void flagsOverrideEverything() {
        ResolvedConfig c = ConfigLoader.load(null, Map.of("CISTERN_DATA_DIR", "/env"), Map.of("data_dir", "/flag"));
        assertEquals(Path.of("/flag"), c.dataDir());
    }

    @Test
    void exampleConfigsAreValid() throws Exception {
        Path examples = Path.of("..", "config");
        try (var files = Files.list(examples)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().startsWith("prometheus")).toList()) {
                ConfigLoader.load(f, Map.of(), Map.of());
            }
        }
    }
}
