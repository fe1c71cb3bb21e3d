package dev.cistern.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16, 4: a reload sorts what differs into keys that change live and keys that need a restart. */
class ConfigChangeTest {
    @TempDir Path dir;

    private ResolvedConfig load(String yaml) throws Exception {
        Path f = dir.resolve("cistern.yaml");
        Files.writeString(f, yaml);
        Map<String, String> flags = new HashMap<>(Map.of("data_dir", dir.resolve("data").toString(), "upload.to", ""));
        return ConfigLoader.load(f, Map.of(), flags);
    }

    @Test
    void theSameConfigReadAgainChangesNothing() throws Exception {
        ResolvedConfig running = load("retention:\n  max_age: 2h\n");
        ConfigChange c = ConfigChange.between(running, load("retention:\n  max_age: 2h\n"));
        assertTrue(c.none(), c.toString());
        assertSame(running, c.applied());
    }

    @Test
    void liveKeysAreTakenAndRestartKeysAreReportedAndLeftAsTheyWere() throws Exception {
        ResolvedConfig running = load("listen: 127.0.0.1:9464\nretention:\n  max_age: 2h\n");
        ResolvedConfig loaded = load("""
                listen: 127.0.0.1:9999
                retention:
                  max_age: 3h
                  overflow: drop_oldest
                ingest:
                  static_labels: {dc: eu1}
                  ndjson: {max_depth: 8}
                  remote_write: {stale_markers: drop}
                spool:
                  quality: 3
                """);
        ConfigChange c = ConfigChange.between(running, loaded);
        assertEquals(List.of("ingest.ndjson.max_depth", "ingest.remote_write.stale_markers", "ingest.static_labels.dc",
                "retention.max_age", "retention.overflow"), c.live());
        assertEquals(List.of("listen", "spool.quality"), c.restart());
        assertTrue(c.routing(), "static labels are part of the routing snapshot");
        ResolvedConfig applied = c.applied();
        assertEquals(Duration.ofHours(3), applied.retention().maxAge());
        assertEquals(8, applied.ndjsonMaxDepth());
        assertEquals(9464, applied.listen().getPort(), "a restart-only key keeps its running value");
        assertEquals("eu1", applied.staticLabels().get("dc"));
        assertEquals(running.quality(), applied.quality());
        // read again without a restart, the same keys still wait for one, and nothing is live any more
        ConfigChange again = ConfigChange.between(applied, loaded);
        assertEquals(List.of(), again.live());
        assertEquals(c.restart(), again.restart());
    }

    @Test
    void listsAreOneValueAndUnlistedKeysNeedARestart() throws Exception {
        ResolvedConfig running = load("routing:\n  rules:\n    - {stream: a, name_prefix: x_}\n");
        ResolvedConfig loaded = load("routing:\n  rules:\n    - {stream: b, name_prefix: x_}\nupload:\n  concurrency: 3\n");
        ConfigChange c = ConfigChange.between(running, loaded);
        assertEquals(List.of("routing.rules"), c.live());
        assertEquals(List.of("upload.concurrency"), c.restart());
        assertEquals("b", c.applied().rules().get(0).stream());
        assertTrue(ConfigChange.isLive("journal.max_lag_bytes"));
        assertTrue(!ConfigChange.isLive("data_dir") && !ConfigChange.isLive("admin.listen") && !ConfigChange.isLive("journal"));
    }

    @Test
    void aStaticLabelTheNewFileDropsIsDroppedAndOnlyRoutingKeysSwitchTheRouting() throws Exception {
        ResolvedConfig running = load("ingest:\n  static_labels: {dc: a, zone: z}\n");
        ConfigChange c = ConfigChange.between(running, load("ingest:\n  static_labels: {dc: a}\n"));
        assertEquals(List.of("ingest.static_labels.zone"), c.live());
        assertEquals(1, c.applied().staticLabels().size());
        assertEquals("a", c.applied().staticLabels().get("dc"));
        assertTrue(!ConfigChange.between(running, load("ingest:\n  static_labels: {dc: a, zone: z}\nretention: {max_age: 1h}\n"))
                .routing(), "a reload that leaves the routing alone does not seal");
    }

    @Test
    void adminListenIsCheckedAndOffByDefault() throws Exception {
        assertEquals(null, load("").adminListen());
        assertEquals(9465, load("admin:\n  listen: 127.0.0.1:9465\n").adminListen().getPort());
        ConfigException e = assertThrows(ConfigException.class, () -> load("admin:\n  listen: nope\n"));
        assertEquals("admin.listen", e.key());
    }
}
