package dev.cistern.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.cistern.agent.RemoteWriteClient;
import dev.cistern.cli.AgentProcess;
import dev.cistern.cli.Delivered;
import dev.cistern.cli.NumberedSamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What every fault test checks: acknowledged samples sealed exactly once, what health said, which counter moved. */
final class Faults {
    /** The JVM flag that injects a test-only fault (agent {@code supervise.TestFault}). */
    static final String FAULT = "-Dcistern.test.fault=";
    /** Uploads off: every sealed file stays in sealed/, where the check reads it. */
    static final String CONFIG = """
            spool:
              quality: 1
              rotate_rows: 2000
              rotate_age: 300ms
            upload:
              to: ""
            """;

    private Faults() {}

    /** The sum of a metric's samples whose line holds {@code labels}; 0 when absent. */
    static double metric(RemoteWriteClient c, String name, String labels) throws IOException, InterruptedException {
        double sum = 0;
        for (String line : c.get("/metrics").body().split("\n")) {
            if (line.startsWith(name) && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')
                    && line.contains(labels)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The agent's metric lines starting with {@code prefix}, for messages. */
    static String metricLines(RemoteWriteClient c, String prefix) {
        try {
            return Arrays.stream(c.get("/metrics").body().split("\n")).filter(l -> l.startsWith(prefix)).toList().toString();
        } catch (IOException | InterruptedException e) {
            return "(no metrics: " + e + ")";
        }
    }

    /** Waits for an agent that must refuse to start: it exits 2 by itself and never listens. Its output. */
    static String awaitRefusal(AgentProcess agent, Path log) throws Exception {
        Integer code = agent.awaitExit(120, TimeUnit.SECONDS);
        assertNotNull(code, "the agent should exit by itself; see " + log);
        String out = agent.log();
        assertEquals(2, code, out);
        assertFalse(out.contains("listening on"), "it must not listen: " + out);
        return out;
    }

    /** Every acknowledged sample is in sealed/ exactly once, and nothing else is. */
    static void assertSealedExactlyOnce(Path data, NumberedSamples samples, Path log) throws IOException {
        Delivered d = new Delivered().dir(data.resolve("sealed")).read();
        assertExactlyOnce(d, samples.acked(), samples.sent(), log);
    }

    static void assertExactlyOnce(Delivered d, BitSet acked, int sent, Path log) {
        assertEquals(0, d.duplicateCount(), "samples sealed twice: " + d.describe() + "; see " + log);
        assertEquals(0, d.missing(acked).cardinality(), "acknowledged samples missing (of " + acked.cardinality() + "): "
                + d.describe() + "; see " + log);
        assertEquals(0, d.neverSent(sent), "rows never sent: " + d.describe());
    }

    /** Lines of the log holding {@code text}. */
    static List<String> lines(String log, String text) {
        return log.lines().filter(l -> l.contains(text)).toList();
    }
}
