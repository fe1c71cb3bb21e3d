package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a request decodes to is charged to the in-flight budget: too much for it alone is a 413, and every byte comes back. */
class MemoryBudgetTest {
    @TempDir Path dir;

    /** One series of {@code n} samples, 9 bytes each on the wire and 16 decoded. */
    private static RemoteWrite.WriteRequest dense(int n) {
        RemoteWrite.TimeSeries.Builder s = RemoteWriteClient.series("dense", "job", "budget").toBuilder();
        for (int i = 0; i < n; i++) s.addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(1763773200000L + i));
        return RemoteWrite.WriteRequest.newBuilder().addTimeseries(s).build();
    }

    @Test
    void rowsTooBigForTheBudgetAre413AndTheBudgetIsWholeAgain() throws Exception {
        try (Agent agent = TestAgents.start(dir.resolve("data"), "CISTERN_INGEST__MAX_BODY_BYTES", "1MiB",
                "CISTERN_SERVER__MAX_INFLIGHT_BYTES", "2MiB")) {
            RemoteWriteClient c = TestAgents.client(agent);
            HttpResponse<String> big = c.write(dense(110_000)); // under 1 MiB decompressed, over 2 MiB decoded
            assertEquals(413, big.statusCode(), big.body());
            assertTrue(big.body().contains("server.max_inflight_bytes"), "names the key: " + big.body());
            assertEquals(204, c.write(dense(20_000)).statusCode(), "a request that fits is taken");
            String metrics = c.get("/metrics").body();
            assertTrue(metrics.contains("cistern_ingest_rejected_total{endpoint=\"remote_write\",reason=\"too_large\"} 1.0"), metrics);
            assertTrue(metrics.contains("cistern_http_inflight_max_bytes 2097152.0"), metrics);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!c.get("/metrics").body().contains("cistern_http_inflight_bytes 0.0") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(c.get("/metrics").body().contains("cistern_http_inflight_bytes 0.0"), "every charge released");
        }
    }
}
