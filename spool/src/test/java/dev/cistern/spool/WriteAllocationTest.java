package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WriteAllocationTest {
    @TempDir Path dir;

    /** The write path's budget is 64 heap bytes per row (docs/benchmarks.md), whatever the codec; it needs about none. */
    @ParameterizedTest
    @EnumSource(Codec.class)
    void appendingMetricRowsAllocatesAlmostNothingPerRow(Codec codec) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Series[] series = new Series[500];
        for (int i = 0; i < series.length; i++) {
            series[i] = Series.of("container_memory_working_set_bytes", Labels.of("namespace", "shop",
                    "pod", "cart-" + i, "container", "cart", "node", "ip-10-0-3-17.eu-west-1.compute.internal"));
        }
        int rows = 200_000;
        try (Spool spool = Spool.open(SpoolConfig.builder(dir).quality(1).shardsPerStream(1)
                .streamCodec("metrics", CodecTest.settings(codec))
                .rotation(Rotation.DEFAULT.withMaxRows(50_000)).build())) {
            StreamWriter w = spool.writer("metrics");
            write(w, series, rows); // warm-up: classes loaded, buffers sized
            long before = threads.getCurrentThreadAllocatedBytes();
            write(w, series, rows);
            long perRow = (threads.getCurrentThreadAllocatedBytes() - before) / rows;
            assertTrue(perRow <= 64, codec + ": allocated " + perRow + " bytes per row");
        }
    }

    private static void write(StreamWriter w, Series[] series, int rows) throws Exception {
        for (int i = 0; i < rows; i++) {
            w.append(series[i % series.length], 1763773200000L + (i / series.length) * 15_000L, i * 0.25 + 1e6);
        }
    }
}
