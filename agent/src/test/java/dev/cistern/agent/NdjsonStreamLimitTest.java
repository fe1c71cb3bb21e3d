package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client inventing NDJSON stream names gets 429 past ingest.ndjson.max_streams: memory stays bounded, others unharmed. */
class NdjsonStreamLimitTest {
    private static final byte[] ROW = "{\"ts\":1763773200000,\"msg\":\"a\"}\n".getBytes(StandardCharsets.UTF_8);
    @TempDir Path data;

    private static HttpResponse<String> post(RemoteWriteClient c, String stream) throws Exception {
        return c.post("/api/v1/ingest?stream=" + stream, ROW, "application/x-ndjson", null);
    }

    @Test
    void namesPastTheLimitAreRefusedAndTheOthersStillTaken() throws Exception {
        try (Agent agent = TestAgents.start(data, "CISTERN_INGEST__NDJSON__MAX_STREAMS", "3",
                "CISTERN_ROUTING__STREAMS__AUDIT__CODEC", "gzip")) {
            RemoteWriteClient c = TestAgents.client(agent);
            for (String s : new String[] {"s1", "s2", "s3"}) assertEquals(204, post(c, s).statusCode(), s);
            HttpResponse<String> refused = post(c, "s4");
            assertEquals(429, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("ingest.ndjson.max_streams"), refused.body());
            for (int i = 5; i < 500; i++) assertEquals(429, post(c, "s" + i).statusCode());
            assertEquals(204, post(c, "s2").statusCode(), "a stream already taken still is");
            assertEquals(204, post(c, "metrics").statusCode(), "the default stream is the configuration's: not counted");
            assertEquals(204, post(c, "audit").statusCode(), "a stream routing.streams names: not counted");
            assertEquals(204, TestAgents.client(agent).write(Probe.sample()).statusCode(), "remote_write unharmed");
            assertEquals(200, c.get("/healthz").statusCode());
            String metrics = c.get("/metrics").body();
            assertTrue(metrics.contains("reason=\"too_many_streams\""), "the refusals are counted");
        }
        assertEquals(7, Scanner.of(data).page(ScanQuery.all()).total(), "3 + s2 again + metrics + audit + the sample");
    }
}
