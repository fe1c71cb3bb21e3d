package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir Path dir;

    @Test
    void writesSealsAndScansBack() throws Exception {
        Series s = Series.of("cpu", Labels.of("job", "kubelet", "node", "n\"1"));
        try (Spool spool = Spool.open(SpoolConfig.builder(dir).build())) {
            StreamWriter w = spool.writer("metrics");
            for (int i = 0; i < 1000; i++) w.append(s, 1763773200000L + i * 15000L, i * 0.1);
            byte[] json = "{\"ts\":1763773200000,\"msg\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
            w.appendJson(json, 0, json.length);
        }
        ScanPage page = Scanner.of(dir).page(ScanQuery.builder().limit(3).build());
        assertEquals(1001, page.total());
        System.out.println(page.rows());
        ScanPage hello = Scanner.of(dir).page(ScanQuery.builder().text("HELLO").build());
        assertEquals(1, hello.total());
    }
}
