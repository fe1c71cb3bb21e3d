package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, 7: the Grafana dashboard and the alert rules in deploy/ name only metrics the agent
 * serves, and promtool accepts the rules and every dashboard query.
 */
class DeployMonitoringTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Pattern METRIC = Pattern.compile("\\bcistern_[a-z_]+");
    private static final Pattern SERVED = Pattern.compile("^# TYPE (cistern_\\w+) ", Pattern.MULTILINE);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void everyMetricTheDashboardAndRulesUseIsServed() throws Exception {
        Set<String> used = new TreeSet<>();
        for (String expr : ruleExprs()) used.addAll(metrics(expr));
        for (String expr : dashboardExprs()) used.addAll(metrics(expr));
        assertTrue(used.size() > 15, "too few metrics found: " + used);
        Set<String> served = new TreeSet<>();
        try (Agent agent = TestAgents.start(dir.resolve("data"))) {
            TestAgents.client(agent).get("/healthz"); // request latency appears with the first request
            Matcher m = SERVED.matcher(TestAgents.client(agent).get("/metrics").body());
            while (m.find()) served.add(m.group(1));
        }
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeIf(n -> served.contains(n) || served.contains(n.replaceAll("_(bucket|count|sum)$", "")));
        assertTrue(unknown.isEmpty(), "deploy/ uses metrics the agent does not serve: " + unknown);
    }

    @Test
    void promtoolAcceptsTheRulesAndEveryDashboardQuery() throws Exception {
        boolean ci = System.getenv("CI") != null;
        boolean have = new File("/usr/bin/promtool").canExecute();
        Assumptions.assumeTrue(have || ci, "promtool not installed (apt-get install prometheus); .ci/run installs it");
        assertEquals(0, promtool(DEPLOY.resolve("prometheus/cistern-rules.yaml")), "promtool check rules failed");
        // the dashboard's queries as recording rules, Grafana's variables given values, so promtool parses each
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        for (String expr : dashboardExprs()) {
            String e = expr.replace("$__rate_interval", "5m").replace("$instance", ".*");
            rules.append("      - record: dashboard:query").append(i++).append("\n        expr: ")
                    .append(JSON.writeValueAsString(e)).append('\n');
        }
        Path f = dir.resolve("dashboard-rules.yaml");
        Files.writeString(f, rules);
        assertEquals(0, promtool(f), "promtool rejects a dashboard query: " + rules);
    }

    private int promtool(Path rules) throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "rules", rules.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        if (p.exitValue() != 0) System.out.println(out);
        return p.exitValue();
    }

    private static List<String> ruleExprs() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode group : YAML.readTree(DEPLOY.resolve("prometheus/cistern-rules.yaml").toFile()).get("groups")) {
            for (JsonNode rule : group.get("rules")) out.add(rule.get("expr").asText());
        }
        return out;
    }

    private static List<String> dashboardExprs() throws Exception {
        List<String> out = new ArrayList<>();
        JsonNode dash = JSON.readTree(DEPLOY.resolve("grafana/cistern.json").toFile());
        for (JsonNode panel : dash.get("panels")) {
            for (JsonNode t : panel.get("targets")) out.add(t.get("expr").asText());
        }
        return out;
    }

    private static Set<String> metrics(String expr) {
        Set<String> out = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) out.add(m.group());
        return out;
    }
}
