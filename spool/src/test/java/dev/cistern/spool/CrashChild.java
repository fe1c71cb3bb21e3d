package dev.cistern.spool;

import static dev.cistern.testkit.Times.T0;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/**
 * The process {@link KillNineTest} kills: opens a spool (recovering what the last kill left),
 * appends numbered rows of its cycle forever, flushes now and then, and after each flush prints
 * {@code flushed N}: rows 0..N-1 of this cycle are durable.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int cycle = Integer.parseInt(args[1]);
        Random rnd = new Random(Long.parseLong(args[2]));
        // Segments seal every few hundred milliseconds, so kills land both between flushes of an open
        // segment (only the flush protects those rows) and while segments seal.
        SpoolConfig config = SpoolConfig.builder(dir).quality(1).shardsPerStream(2)
                .rotation(new Rotation(20_000, 8 << 20, Duration.ofSeconds(1))).build();
        try (Spool spool = Spool.open(config)) {
            System.out.println("open salvaged=" + spool.recovery().rowsSalvaged());
            System.out.flush();
            StreamWriter w = spool.writer("crash");
            Series[] series = new Series[7];
            for (int k = 0; k < series.length; k++) {
                series[k] = Series.of("crash_test_rows", Labels.of("cycle", Integer.toString(cycle), "k", Integer.toString(k)));
            }
            long seq = 0;
            while (true) {
                int n = 1 + rnd.nextInt(3_000);
                for (int i = 0; i < n; i++, seq++) w.append(series[(int) (seq % series.length)], T0 + seq, seq);
                w.flush();
                System.out.println("flushed " + seq);
                System.out.flush();
                Thread.sleep(rnd.nextInt(20)); // a producer waiting for its next batch
            }
        }
    }
}
