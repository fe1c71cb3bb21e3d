package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cistern.spool.Row;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NdjsonIngestTest {
    @TempDir Path data;

    @Test
    void rowsAreSealedAsSentPlainOrGzippedWithCrlfAndBlankLines() throws Exception {
        String body = "{\"ts\":1763773200000,\"msg\":\"a\"}\r\n\r\n  \n{\"ts\":1763773201000,\"msg\":\"b\",\"n\":[1,2]}\n";
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write("{\"ts\":1763773202000,\"msg\":\"c\"}".getBytes(StandardCharsets.UTF_8));
        }
        try (Agent agent = TestAgents.start(data)) {
            RemoteWriteClient c = TestAgents.client(agent);
            assertEquals(204, c.post("/api/v1/ingest?stream=events", body.getBytes(StandardCharsets.UTF_8), "application/x-ndjson", null).statusCode());
            assertEquals(204, c.post("/api/v1/ingest?stream=events", gz.toByteArray(), "application/x-ndjson", "gzip").statusCode());
        }
        List<String> rows = new ArrayList<>();
        Scanner.of(data).scan(ScanQuery.builder().stream("events").build(), (Row r) -> rows.add(r.json()));
        assertEquals(List.of("{\"ts\":1763773200000,\"msg\":\"a\"}", "{\"ts\":1763773201000,\"msg\":\"b\",\"n\":[1,2]}",
                "{\"ts\":1763773202000,\"msg\":\"c\"}"), rows);
    }
}
