package dev.cistern.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 12: deploy/kubernetes/ agrees with the Cistern config it mounts: ports, paths, sizes, probes, memory. */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("..", "deploy", "kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Room in the emptyDir over max_total_bytes: Chronicle's pre-allocated cycle file and files being written. */
    private static final long HEADROOM = 256L << 20;

    private static JsonNode pod;
    private static JsonNode cistern;
    private static ResolvedConfig config;
    private static String configText;

    @BeforeAll
    static void read() throws Exception {
        JsonNode deployment = YAML.readTree(DIR.resolve("prometheus-with-cistern.yaml").toFile());
        pod = deployment.at("/spec/template");
        cistern = container("cistern");
        configText = YAML.readTree(DIR.resolve("cistern-config.yaml").toFile()).at("/data/cistern.yaml").asText();
        Path f = Files.createTempFile("cistern", ".yaml");
        Files.writeString(f, configText);
        config = ConfigLoader.load(f, Map.of(), Map.of());
        Files.delete(f);
    }

    private static JsonNode container(String name) {
        for (JsonNode c : pod.at("/spec/containers")) if (c.path("name").asText().equals(name)) return c;
        throw new AssertionError("no container " + name);
    }

    private static JsonNode volume(String name) {
        for (JsonNode v : pod.at("/spec/volumes")) if (v.path("name").asText().equals(name)) return v;
        throw new AssertionError("no volume " + name);
    }

    private static String mountPath(String volume) {
        for (JsonNode m : cistern.path("volumeMounts")) if (m.path("name").asText().equals(volume)) return m.path("mountPath").asText();
        throw new AssertionError("cistern does not mount " + volume);
    }

    @Test
    void mountedConfigIsTheExampleConfig() throws Exception {
        assertEquals(Files.readString(Path.of("..", "config", "sidecar.yaml")), configText,
                "cistern-config.yaml must hold config/sidecar.yaml as it is");
        List<String> args = new ArrayList<>();
        cistern.path("args").forEach(a -> args.add(a.asText()));
        String file = args.get(args.indexOf("--config") + 1);
        assertEquals(mountPath("cistern-config"), Path.of(file).getParent().toString());
        assertEquals("cistern-config", volume("cistern-config").at("/configMap/name").asText());
    }

    @Test
    void portsProbesAndScrapeReachTheAgent() throws Exception {
        int port = config.listen().getPort();
        assertEquals("0.0.0.0", config.listen().getHostString(), "the kubelet probes the pod IP");
        assertEquals(port, cistern.at("/ports/0/containerPort").asInt());
        assertEquals("/readyz", cistern.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/healthz", cistern.at("/livenessProbe/httpGet/path").asText());
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertEquals(port, cistern.at("/" + probe + "/httpGet/port").asInt(), probe);
        }
        JsonNode annotations = pod.at("/metadata/annotations");
        assertEquals("true", annotations.path("prometheus.io/scrape").asText());
        assertEquals(String.valueOf(port), annotations.path("prometheus.io/port").asText());
        assertEquals("/metrics", annotations.path("prometheus.io/path").asText());
        String prometheus = YAML.readTree(DIR.resolve("prometheus-config.yaml").toFile()).at("/data/prometheus.yml").asText();
        String url = YAML.readTree(prometheus).at("/remote_write/0/url").asText();
        assertEquals("http://127.0.0.1:" + port + "/api/v1/write", url, "Prometheus writes over the pod's loopback");
    }

    @Test
    void retentionStaysBelowTheEmptyDirSizeLimit() {
        assertEquals(mountPath("cistern-data"), config.dataDir().toString());
        JsonNode sizeLimit = volume("cistern-data").at("/emptyDir/sizeLimit");
        assertNotNull(sizeLimit.textValue(), "the data emptyDir needs a sizeLimit");
        long limit = quantity(sizeLimit.asText());
        long total = config.retention().maxTotalBytes();
        assertTrue(total > 0 && total + HEADROOM <= limit, "retention.max_total_bytes " + total + " + " + HEADROOM
                + " must fit in sizeLimit " + limit);
        assertTrue(config.maxLagBytes() < total, "journal.max_lag_bytes below max_total_bytes");
    }

    @Test
    void memoryLimitCoversTheHeapAndNativeMemory() {
        String opts = "";
        for (JsonNode e : cistern.path("env")) if (e.path("name").asText().equals("JAVA_OPTS")) opts = e.path("value").asText();
        Matcher xmx = Pattern.compile("-Xmx(\\d+[kmgKMG])").matcher(opts);
        String asked = xmx.find() ? xmx.group(1) : "128m"; // none: the launcher's default (cli/src/dist/bin/jvm-memory.sh)
        long heap = quantity(asked.toUpperCase().replace("K", "Ki").replace("M", "Mi").replace("G", "Gi"));
        long limit = quantity(cistern.at("/resources/limits/memory").asText());
        assertEquals(limit, quantity(cistern.at("/resources/requests/memory").asText()), "requests = limits: no overcommit");
        assertTrue(heap + (384L << 20) <= limit, "limit " + limit + " leaves under 384 MiB beyond -Xmx " + heap);
    }

    /** A Kubernetes quantity in bytes (binary suffixes). */
    static long quantity(String q) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti)?").matcher(q);
        assertTrue(m.matches(), "quantity " + q);
        int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "Ki" -> 10;
            case "Mi" -> 20;
            case "Gi" -> 30;
            default -> 40;
        };
        return Long.parseLong(m.group(1)) << shift;
    }
}
