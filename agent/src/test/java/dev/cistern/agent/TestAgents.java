package dev.cistern.agent;

import dev.cistern.agent.config.ConfigLoader;
import dev.cistern.agent.config.ResolvedConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Starts in-process agents on a free loopback port with a temp data directory. */
final class TestAgents {
    private TestAgents() {}

    static ResolvedConfig config(Path data, Map<String, String> env) {
        Map<String, String> e = new HashMap<>(env);
        // the tests' samples carry fixed timestamps (2025-11-22 and earlier), not now's: widen the window unless a test sets it
        e.putIfAbsent("CISTERN_INGEST__REMOTE_WRITE__MAX_AGE", "36500d");
        e.putIfAbsent("CISTERN_UPLOAD__TO", "file:" + data.resolveSibling(data.getFileName() + "-uploads"));
        return ConfigLoader.load(null, e, Map.of("data_dir", data.toString(), "listen", "127.0.0.1:0"));
    }

    static Agent start(Path data, String... envPairs) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < envPairs.length; i += 2) env.put(envPairs[i], envPairs[i + 1]);
        return Agent.start(config(data, env));
    }

    static RemoteWriteClient client(Agent a) {
        return new RemoteWriteClient("127.0.0.1", a.address().getPort());
    }
}
