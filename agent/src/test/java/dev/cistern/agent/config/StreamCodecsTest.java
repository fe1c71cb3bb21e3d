package dev.cistern.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.spool.CodecSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code routing.streams.<stream>}: a codec per stream, with defaults, and errors that name the key. */
class StreamCodecsTest {
    @TempDir Path dir;

    private ResolvedConfig load(String yaml) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return ConfigLoader.load(f, Map.of(), Map.of());
    }

    private ConfigException fails(String streams) {
        return assertThrows(ConfigException.class, () -> load("routing:\n  streams:\n" + streams));
    }

    @Test
    void eachListedStreamGetsItsCodecWithTheCodecsDefaults() throws Exception {
        ResolvedConfig c = load("""
                spool:
                  quality: 4
                routing:
                  streams:
                    lake: {codec: zstd, level: 9, window: 27}
                    edge: {codec: gzip}
                    sidecar: {codec: brotli}
                    plain: {codec: zstd}
                """);
        Map<String, CodecSettings> m = c.streamCodecs();
        assertEquals(CodecSettings.zstd(9, 27), m.get("lake"));
        assertEquals(CodecSettings.gzip(CodecSettings.DEFAULT_GZIP_LEVEL), m.get("edge"));
        assertEquals(CodecSettings.brotli(4, 22), m.get("sidecar"), "Brotli takes spool.quality and spool.window");
        assertEquals(CodecSettings.zstd(CodecSettings.DEFAULT_ZSTD_LEVEL, 0), m.get("plain"));
        assertTrue(ConfigLoader.load(null, Map.of(), Map.of()).streamCodecs().isEmpty(), "no stream chooses by default");
    }

    @Test
    void underAutoQualityAStreamThatSetsItsLevelKeepsItAndTheOthersAdapt() throws Exception {
        ResolvedConfig c = load("""
                routing:
                  streams:
                    lake: {codec: zstd}
                    legacy: {codec: gzip, level: 6}
                    metrics: {codec: brotli, level: 6}
                """);
        QualitySettings q = c.qualitySettings();
        assertTrue(q.auto(), "auto is the default");
        assertEquals(1, q.min());
        assertEquals(5, q.max());
        assertEquals(java.util.Set.of("legacy", "metrics"), q.fixedLevelStreams());
        assertEquals(5, c.quality(), "the ceiling stands for the quality where one number is needed");
        QualitySettings fixed = load("spool:\n  quality: 3\n").qualitySettings();
        assertTrue(!fixed.auto() && fixed.fixed() == 3 && fixed.fixedLevelStreams().isEmpty(), fixed.toString());
        assertEquals("spool.quality_min", assertThrows(ConfigException.class,
                () -> load("spool:\n  quality_min: 6\n  quality_max: 5\n")).key());
        assertEquals("spool.quality", assertThrows(ConfigException.class, () -> load("spool:\n  quality: fast\n")).key());
    }

    @Test
    void anUnknownCodecOrAnOutOfRangeSettingNamesItsKey() {
        ConfigException e = fails("    lake: {codec: lz4}\n");
        assertEquals("routing.streams.lake.codec", e.key());
        assertTrue(e.getMessage().contains("brotli") && e.getMessage().contains("zstd") && e.getMessage().contains("gzip"), e.getMessage());
        assertEquals("routing.streams.lake.level", fails("    lake: {codec: zstd, level: 23}\n").key());
        assertEquals("routing.streams.lake.level", fails("    lake: {codec: gzip, level: 0}\n").key());
        assertEquals("routing.streams.lake.level", fails("    lake: {codec: brotli, level: 12}\n").key());
        assertEquals("routing.streams.lake.window", fails("    lake: {codec: zstd, window: 28}\n").key());
        assertEquals("routing.streams.lake.window", fails("    lake: {codec: gzip, window: 15}\n").key());
        assertEquals("routing.streams.Lake", fails("    Lake: {codec: zstd}\n").key());
    }
}
