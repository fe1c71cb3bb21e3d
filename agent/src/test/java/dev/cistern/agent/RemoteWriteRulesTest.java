package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.remotewrite.RemoteWriteRules;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the remote_write rules store, keep and drop, read back from sealed files. */
class RemoteWriteRulesTest {
    @TempDir Path dir;

    private static RemoteWrite.TimeSeries series(long ts, double value, String... nameAndLabels) {
        String[] labels = new String[nameAndLabels.length - 1];
        System.arraycopy(nameAndLabels, 1, labels, 0, labels.length);
        return RemoteWriteClient.series(nameAndLabels[0], labels).toBuilder()
                .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(ts).setValue(value)).build();
    }

    private static List<String> rows(Path data) throws Exception {
        List<String> rows = new ArrayList<>();
        Scanner.of(data).scan(ScanQuery.all(), r -> rows.add(r.json()));
        rows.sort(null);
        return rows;
    }

    private static double dropped(Agent agent, String reason) {
        var c = agent.metrics().registry().find("cistern.rows.dropped").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void staleMarkersAreStoredAsStaleAndLabelsSorted() throws Exception {
        long now = System.currentTimeMillis();
        Path data = dir.resolve("keep");
        try (Agent agent = TestAgents.start(data, "CISTERN_INGEST__STATIC_LABELS__CLUSTER", "c1")) {
            RemoteWrite.WriteRequest req = RemoteWrite.WriteRequest.newBuilder()
                    .addTimeseries(series(now, Double.longBitsToDouble(RemoteWriteRules.STALE_NAN), "up", "zone", "z", "job", "j"))
                    .addTimeseries(series(now + 1, Double.NaN, "up", "zone", "z", "job", "j"))
                    .build();
            assertEquals(204, TestAgents.client(agent).write(req).statusCode());
        }
        List<String> rows = rows(data);
        assertEquals(2, rows.size(), rows.toString());
        assertTrue(rows.get(0).contains("\"ts\":" + now + ",\"value\":\"stale\",\"labels\":{\"cluster\":\"c1\",\"job\":\"j\",\"zone\":\"z\"}"),
                rows.get(0));
        assertTrue(rows.get(1).contains("\"value\":\"NaN\""), rows.get(1));
    }

    @Test
    void dropPoliciesWriteTheRestAndCountWhatTheyDrop() throws Exception {
        long now = System.currentTimeMillis();
        Path data = dir.resolve("drop");
        String[] env = {"CISTERN_INGEST__REMOTE_WRITE__INVALID_SERIES", "drop", "CISTERN_INGEST__REMOTE_WRITE__STALE_MARKERS", "drop",
            "CISTERN_INGEST__REMOTE_WRITE__OUT_OF_WINDOW", "drop", "CISTERN_INGEST__REMOTE_WRITE__MAX_AGE", "1h"};
        RemoteWrite.WriteRequest req = RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(series(now, 1, "kept", "job", "a"))
                .addTimeseries(series(now, 2, "up", "job", "a", "job", "b"))
                .addTimeseries(series(now, 3, "up", "a-b", "x"))
                .addTimeseries(series(now, 4, "bad.name"))
                .addTimeseries(series(now, Double.longBitsToDouble(RemoteWriteRules.STALE_NAN), "stale", "job", "a"))
                .addTimeseries(series(now - 7_200_000L, 5, "old", "job", "a").toBuilder()
                        .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(now + 1).setValue(6)).build())
                .addTimeseries(series(Long.MAX_VALUE, 7, "future", "job", "a"))
                .build();
        try (Agent agent = TestAgents.start(data, env)) {
            assertEquals(204, TestAgents.client(agent).write(req).statusCode());
            assertEquals(1, dropped(agent, "duplicate_label_name"));
            assertEquals(1, dropped(agent, "invalid_label_name"));
            assertEquals(1, dropped(agent, "invalid_metric_name"));
            assertEquals(1, dropped(agent, "stale_marker"));
            assertEquals(1, dropped(agent, "timestamp_too_old"));
            assertEquals(1, dropped(agent, "timestamp_too_new"));
        }
        List<String> expected = List.of(
                "{\"name\":\"kept\",\"ts\":" + now + ",\"value\":1,\"labels\":{\"job\":\"a\"}}",
                "{\"name\":\"old\",\"ts\":" + (now + 1) + ",\"value\":6,\"labels\":{\"job\":\"a\"}}");
        assertEquals(expected, rows(data));
    }
}
