package dev.cistern.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Issue 12: a Service named cistern injects CISTERN_PORT... into the pod; they must not stop the agent. */
class ServiceLinkEnvTest {
    /** What the kubelet injects for Services `cistern` (port 9464, named http) and `cistern-admin`. */
    private static Map<String, String> serviceLinks() {
        Map<String, String> env = new HashMap<>();
        env.put("CISTERN_SERVICE_HOST", "10.96.12.7");
        env.put("CISTERN_SERVICE_PORT", "9464");
        env.put("CISTERN_SERVICE_PORT_HTTP", "9464");
        env.put("CISTERN_PORT", "tcp://10.96.12.7:9464");
        env.put("CISTERN_PORT_9464_TCP", "tcp://10.96.12.7:9464");
        env.put("CISTERN_PORT_9464_TCP_PROTO", "tcp");
        env.put("CISTERN_PORT_9464_TCP_PORT", "9464");
        env.put("CISTERN_PORT_9464_TCP_ADDR", "10.96.12.7");
        env.put("CISTERN_ADMIN_SERVICE_HOST", "10.96.12.8");
        env.put("CISTERN_ADMIN_PORT", "tcp://10.96.12.8:9465");
        env.put("CISTERN_ADMIN_PORT_9465_TCP_ADDR", "10.96.12.8");
        return env;
    }

    @Test
    void serviceLinkVariablesAreIgnoredWithOneInfoLine() {
        List<LogRecord> logged = new ArrayList<>();
        Logger log = Logger.getLogger(ConfigLoader.class.getName());
        Handler h = new Handler() {
            @Override public void publish(LogRecord r) { logged.add(r); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        Level before = log.getLevel();
        log.setLevel(Level.INFO); // the tests' logging.properties may keep INFO quiet
        log.addHandler(h);
        try {
            Map<String, String> env = serviceLinks();
            env.put("CISTERN_SPOOL__QUALITY", "7");
            ResolvedConfig c = ConfigLoader.load(null, env, Map.of());
            assertEquals(7, c.quality(), "real keys next to the links still apply");
            assertEquals(9464, c.listen().getPort());
        } finally {
            log.removeHandler(h);
            log.setLevel(before);
        }
        assertEquals(1, logged.size(), "one line for all links: " + logged);
        assertEquals(Level.INFO, logged.get(0).getLevel());
        assertTrue(logged.get(0).getMessage().contains("CISTERN_PORT_9464_TCP_ADDR"), logged.get(0).getMessage());
    }

    @Test
    void misspelledKeyStillStopsTheAgentAmongServiceLinks() {
        Map<String, String> env = serviceLinks();
        env.put("CISTERN_SPOOL__QULITY", "5");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, env, Map.of()));
        assertEquals("spool.qulity", e.key());
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
    }

    @Test
    void portWithoutTheKubeletsValueIsAnUnknownKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("CISTERN_PORT", "9464"), Map.of()));
        assertEquals("port", e.key());
    }

    /** The launcher's and the tools' own variables share the prefix: a user who set one can still start the agent. */
    @Test
    void launcherVariablesAreNotConfiguration() {
        Map<String, String> env = new HashMap<>();
        for (String k : ConfigLoader.LAUNCHER_VARIABLES) env.put(k, "/tmp/x");
        env.put("CISTERN_SPOOL__QUALITY", "3");
        assertEquals(3, ConfigLoader.load(null, env, Map.of()).quality());
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("CISTERN_CACHE_DIRS", "/tmp/x"), Map.of()),
                "only those names: a typo of a real key is still an error");
    }
}
