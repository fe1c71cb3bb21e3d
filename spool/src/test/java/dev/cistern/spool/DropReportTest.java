package dev.cistern.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class DropReportTest {
    @Test
    void logsTheFirstDropAtOnceAndSumsTheRestPerStreamUntilDue() {
        List<String> lines = new ArrayList<>();
        Handler h = new Handler() {
            @Override public void publish(LogRecord r) { lines.add(r.getMessage()); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger log = Logger.getLogger(DropReport.class.getName());
        log.addHandler(h);
        long[] now = {0};
        try {
            DropReport r = new DropReport("unsent", Level.WARNING, 10_000, () -> now[0]);
            r.dropped("a", "max_total_bytes", 10, 1000, 2000, "file f1");
            r.dropped("a", "max_total_bytes", 5, 500, 1500, "file f2");
            r.dropped("b", "max_total_bytes", 7, 3000, 3000, "file f3");
            assertEquals(2, lines.size(), String.valueOf(lines));
            r.flush();
            assertEquals(2, lines.size(), "not due yet");
            now[0] = 10_000;
            r.flush();
            assertEquals(3, lines.size());
            assertTrue(lines.get(0).startsWith("dropped 10 unsent rows of stream a (max_total_bytes), time 1970-01-01T00:00:01Z"));
            assertTrue(lines.get(2).startsWith("dropped 5 unsent rows of stream a (max_total_bytes), time 1970-01-01T00:00:00.500Z"
                    + " .. 1970-01-01T00:00:01.500Z: file f2"), lines.get(2));
            assertEquals(22, r.rows());
            assertEquals(3, r.drops());
        } finally {
            log.removeHandler(h);
        }
    }
}
