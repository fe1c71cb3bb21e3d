package dev.cistern.agent.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version and git revision the agent was built from (written by the build into META-INF/cistern-build.properties). */
public record BuildInfo(String version, String revision, String java) {

    public static BuildInfo current() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/META-INF/cistern-build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // keep "unknown": a missing build stamp must not stop the agent
        }
        return new BuildInfo(known(p.getProperty("version")), known(p.getProperty("revision")),
                System.getProperty("java.version"));
    }

    private static String known(String v) {
        return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v.strip();
    }
}
