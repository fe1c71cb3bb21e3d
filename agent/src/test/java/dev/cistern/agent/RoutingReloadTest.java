package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.config.ConfigLoader;
import dev.cistern.agent.config.ResolvedConfig;
import dev.cistern.agent.reload.ReloadResult;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, 4: routing rules and static labels change on a reload. Rows acknowledged and written before it keep the
 * old stream and labels, rows after it get the new ones, though the HTTP thread had the series cached; and nothing
 * is written twice, neither at the reload nor at the restart after it.
 */
class RoutingReloadTest {
    @TempDir Path dir;

    private static String yaml(String stream, String dc) {
        return "ingest:\n  threads: 1\n  static_labels: {dc: " + dc + "}\n  remote_write: {max_age: 36500d}\n"
                + "routing:\n  default_stream: " + stream + "\nupload:\n  to: \"\"\n";
    }

    @Test
    void rowsAfterTheReloadGoByTheNewRoutingAndNoneTwice() throws Exception {
        Path data = dir.resolve("data");
        Path file = dir.resolve("cistern.yaml");
        Files.writeString(file, yaml("before", "a"));
        Supplier<ResolvedConfig> source = () -> ConfigLoader.load(file, Map.of(), Map.of("data_dir", data.toString(),
                "listen", "127.0.0.1:0"));
        try (Agent agent = Agent.start(source.get(), source)) {
            RemoteWriteClient c = TestAgents.client(agent);
            assertEquals(204, c.write(sample(1000)).statusCode());
            awaitWritten(agent);
            Files.writeString(file, yaml("after", "b"));
            ReloadResult r = agent.reload("test");
            assertTrue(r.success(), r.summary());
            assertEquals(List.of("ingest.static_labels.dc", "routing.default_stream"), r.live());
            assertEquals(204, c.write(sample(2000)).statusCode()); // the same series, cached by the one HTTP thread
            awaitWritten(agent);
        }
        List<String> rows = rows(data);
        assertEquals(List.of("before 1000 dc=a", "after 2000 dc=b"), rows);
        try (Agent again = Agent.start(source.get(), source)) {
            assertEquals(List.of(), again.reload("test").live());
        }
        assertEquals(rows, rows(data), "a restart after the reload wrote nothing again");
    }

    private static RemoteWrite.WriteRequest sample(long ts) {
        return RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWriteClient.series("up", "job", "x").toBuilder()
                .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(ts).setValue(1))).build();
    }

    /** Waits until the lanes have written every acknowledged entry into the spool. */
    private static void awaitWritten(Agent agent) throws InterruptedException {
        for (int i = 0; i < 200 && !agent.metrics().scrape().contains("cistern_journal_lag_entries 0.0"); i++) Thread.sleep(25);
        assertTrue(agent.metrics().scrape().contains("cistern_journal_lag_entries 0.0"), "the lanes did not catch up");
    }

    private static List<String> rows(Path data) throws Exception {
        List<String> out = new ArrayList<>();
        Scanner.of(data).scan(ScanQuery.all(), r -> out.add(r.stream() + " " + r.ts() + " dc="
                + r.json().replaceAll(".*\"dc\":\"(\\w+)\".*", "$1")));
        out.sort((x, y) -> x.split(" ")[1].compareTo(y.split(" ")[1]));
        return out;
    }
}
