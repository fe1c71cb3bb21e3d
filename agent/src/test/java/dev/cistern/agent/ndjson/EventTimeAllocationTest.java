package dev.cistern.agent.ndjson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading an RFC 3339 time from another field costs the validating pass next to nothing: no String, no java.time per row. */
class EventTimeAllocationTest {
    private static final int ROWS = 20_000;

    @Test
    void anRfc3339FieldAllocatesAboutWhatTheDefaultTsDoes() throws Exception {
        StringBuilder ts = new StringBuilder();
        StringBuilder iso = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
            String msg = ",\"level\":\"info\",\"msg\":\"request served\",\"path\":\"/api/v1/items/" + i + "\",\"ms\":" + (i % 97) + "}\n";
            ts.append("{\"ts\":").append(1763776800000L + i).append(msg);
            iso.append("{\"@timestamp\":\"2025-11-22T02:").append(String.format("%02d:%02d.%03d", i / 60_000 % 60, i / 1000 % 60, i % 1000))
                    .append("+01:00\"").append(msg);
        }
        byte[] plain = ts.toString().getBytes(StandardCharsets.UTF_8);
        byte[] rfc = iso.toString().getBytes(StandardCharsets.UTF_8);
        EventTime field = new EventTime("@timestamp", EventTimeFormat.RFC3339, EventTime.OnUnparsable.REJECT);
        long defaultPerRow = 0;
        long fieldPerRow = 0;
        for (int round = 0; round < 3; round++) { // the first rounds warm up: classes loaded, buffers recycled
            defaultPerRow = perRow(() -> NdjsonBody.validateLines(plain, 64, EventTime.DEFAULT, new EventTimeCheck(EventTime.DEFAULT, plain)));
            fieldPerRow = perRow(() -> NdjsonBody.validateLines(rfc, 64, field, new EventTimeCheck(field, rfc)));
        }
        System.out.println("validating allocates " + defaultPerRow + " bytes/row with ts epoch_ms, " + fieldPerRow
                + " with @timestamp rfc3339");
        assertTrue(fieldPerRow <= defaultPerRow + 16, fieldPerRow + " bytes/row against " + defaultPerRow + " for ts");
    }

    private interface Pass {
        long run() throws Exception;
    }

    private static long perRow(Pass pass) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertEquals(ROWS, pass.run());
        return (threads.getCurrentThreadAllocatedBytes() - before) / ROWS;
    }
}
