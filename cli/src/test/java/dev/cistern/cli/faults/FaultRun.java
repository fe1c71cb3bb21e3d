package dev.cistern.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cistern.cli.Delivered;
import dev.cistern.cli.NumberedSamples;
import dev.cistern.cli.SpoolWatch;
import java.nio.file.Path;

/** What the journal fault tests share: the agent's configuration and the exactly-once checks. */
final class FaultRun {
    /** Nothing seals on its own within a test (rows and age limits far off), so a kill leaves entries unsealed. */
    static final String SLOW_SEAL = """
            upload:
              to: ""
            spool:
              quality: 1
              rotate_rows: 1000000
              rotate_age: 10m
            """;

    private FaultRun() {}

    static Delivered delivered(Path data) throws Exception {
        return new Delivered().dir(data.resolve("sealed")).dir(data.resolve("uploaded")).read();
    }

    static void assertNoneTwiceNoneInvented(Delivered d, NumberedSamples samples, Path log) {
        assertEquals(0, d.duplicateCount(), "samples sealed twice: " + d.describe() + "; see " + log);
        assertEquals(0, d.neverSent(samples.sent()), "rows never sent: " + d.describe() + "; see " + log);
    }

    static void assertExactlyOnce(Delivered d, NumberedSamples samples, Path log) {
        assertNoneTwiceNoneInvented(d, samples, log);
        assertEquals(0, d.missing(samples.acked()).cardinality(), "acknowledged samples missing (of "
                + samples.acked().cardinality() + "): " + d.describe() + "; see " + log);
    }

    /** A counter's value from /metrics (0 when absent). */
    static double counter(NumberedSamples s, String name) throws Exception {
        return SpoolWatch.metric(s.client(), name, "");
    }
}
