package dev.cistern.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestThreadsTest {
    @Test
    void oneThreadACoreFromTwoToFour() {
        assertEquals(2, AgentConfig.Ingest.defaultThreads(1), "a one-core box still decodes one request while it journals another");
        assertEquals(2, AgentConfig.Ingest.defaultThreads(2));
        assertEquals(3, AgentConfig.Ingest.defaultThreads(3));
        assertEquals(4, AgentConfig.Ingest.defaultThreads(4));
        assertEquals(4, AgentConfig.Ingest.defaultThreads(64));
    }

    @Test
    void theConfigSaysOtherwiseAndWins(@TempDir Path dir) throws Exception {
        Path seven = Files.writeString(dir.resolve("seven.yaml"), "ingest:\n  threads: 7\n");
        assertEquals(7, ConfigLoader.load(seven, Map.of(), Map.of()).ingestThreads());
        assertEquals(AgentConfig.Ingest.defaultThreads(Runtime.getRuntime().availableProcessors()),
                ConfigLoader.load(null, Map.of(), Map.of()).ingestThreads(), "the embedded defaults");
    }
}
