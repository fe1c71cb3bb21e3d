package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A body of exactly {@code ingest.max_body_bytes} (the default, 16 MiB) is journaled and every row of it sealed. */
class LargestBodyTest {
    private static final int LINE = 1024;

    @TempDir Path tmp;

    @Test
    void aBodyOfTheDefaultLimitIsAcceptedAndSealed() throws Exception {
        int lines = (16 << 20) / LINE;
        byte[] body = ndjson(lines);
        Path data = tmp.resolve("data");
        try (Agent agent = TestAgents.start(data)) {
            HttpResponse<String> r = TestAgents.client(agent).post("/api/v1/ingest?stream=big", body, "application/x-ndjson", null);
            assertEquals(204, r.statusCode(), r.body());
            long deadline = System.nanoTime() + 60_000_000_000L; // the lanes apply the entry after the 204
            long rows = 0;
            while (rows < lines && System.nanoTime() < deadline) {
                Thread.sleep(200);
                agent.spool().sealAll();
                rows = rows(data);
            }
            assertEquals(lines, rows);
        }
    }

    private static long rows(Path data) throws Exception {
        AtomicLong rows = new AtomicLong();
        Scanner.of(data).scan(ScanQuery.all(), row -> {
            rows.incrementAndGet();
            return true;
        });
        return rows.get();
    }

    /** {@code lines} JSON objects of {@value #LINE} bytes each, newline included. */
    private static byte[] ndjson(int lines) {
        byte[] body = new byte[lines * LINE];
        long now = System.currentTimeMillis();
        for (int i = 0; i < lines; i++) {
            byte[] head = ("{\"ts\":" + now + ",\"n\":" + i + ",\"pad\":\"").getBytes(StandardCharsets.US_ASCII);
            int at = i * LINE;
            System.arraycopy(head, 0, body, at, head.length);
            Arrays.fill(body, at + head.length, at + LINE - 3, (byte) 'x');
            body[at + LINE - 3] = '"';
            body[at + LINE - 2] = '}';
            body[at + LINE - 1] = '\n';
        }
        return body;
    }
}
