package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.agent.remotewrite.prompb.WriteV2;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/** Bad Remote-Write 2.0 requests and bad native histograms: a 4xx with a one-line reason, the Written headers at 0, nothing written. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadV2InputTest {
    @TempDir static Path data;
    private Agent agent;
    private RemoteWriteClient client;

    @BeforeAll
    void start() throws Exception {
        agent = TestAgents.start(data);
        client = TestAgents.client(agent);
    }

    @AfterAll
    void stop() throws Exception {
        agent.close();
    }

    private void expect(int status, String reason, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains(reason), "'" + reason + "' in: " + r.body());
        assertFalse(r.body().strip().contains("\n"), "one line: " + r.body());
        assertEquals("0", r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(""), r.body());
        agent.spool().sealAll();
        long[] rows = {0};
        Scanner.of(data).scan(ScanQuery.all(), row -> ++rows[0] > 0);
        assertEquals(0, rows[0], "nothing written after: " + r.body());
    }

    private HttpResponse<String> v2(UnaryOperator<WriteV2.Request.Builder> damage) throws Exception {
        WriteV2.Request r = damage.apply(RemoteWriteV2Test.request().toBuilder()).build();
        return RemoteWriteV2Test.send(client, r);
    }

    private static WriteV2.Request.Builder series(WriteV2.Request.Builder b, int i, UnaryOperator<WriteV2.TimeSeries.Builder> f) {
        return b.setTimeseries(i, f.apply(b.getTimeseries(i).toBuilder()));
    }

    @Test
    void otherProtoIs415NamingWhatIsAccepted() throws Exception {
        byte[] body = Snappy.compress(RemoteWriteV2Test.request().toByteArray());
        expect(415, "io.prometheus.write.v2.Request", client.post("/api/v1/write", body,
                "application/x-protobuf;proto=io.prometheus.write.v3.Request", "snappy"));
        expect(415, "proto=prometheus.WriteRequest", client.post("/api/v1/write", body, "application/json", "snappy"));
        expect(415, "snappy", client.post("/api/v1/write", body, RemoteWriteV2Test.V2, "zstd"));
    }

    @Test
    void badSymbolsAndRefsSayWhich() throws Exception {
        expect(400, "series 0 label ref 3 refers to symbol 99 of 11", v2(b -> series(b, 0, s -> s.setLabelsRefs(3, 99))));
        expect(400, "series 1 has an odd number of label refs (3)", v2(b -> series(b, 1, s -> s.addLabelsRefs(2))));
        expect(400, "series 0 has a label with an empty name", v2(b -> series(b, 0, s -> s.setLabelsRefs(2, 0))));
        expect(400, "series 1 has no __name__ label", v2(b -> series(b, 1, s -> s.setLabelsRefs(0, 3))));
        expect(400, "series 0 exemplar 0 label ref 1 refers to symbol 42", v2(b -> series(b, 0,
                s -> s.setExemplars(0, s.getExemplars(0).toBuilder().setLabelsRefs(1, 42)))));
        expect(400, "series 1 metadata unit_ref refers to symbol 11", v2(b -> series(b, 1,
                s -> s.setMetadata(s.getMetadata().toBuilder().setUnitRef(11)))));
        expect(400, "symbols[0] must be the empty string", v2(b -> b.setSymbols(0, "x")));
        expect(400, "not a Remote-Write 2.0", client.post("/api/v1/write", Snappy.compress(new byte[] {0x2a, 0x05, 'a'}),
                RemoteWriteV2Test.V2, "snappy"));
    }

    @Test
    void badHistogramsSayWhat() throws Exception {
        expect(400, "positive spans cover 3 buckets but 2 are given", v2(b -> series(b, 1,
                s -> s.setHistograms(0, s.getHistograms(0).toBuilder().clearPositiveDeltas().addPositiveDeltas(2).addPositiveDeltas(1)))));
        expect(400, "count is NaN", v2(b -> series(b, 1,
                s -> s.setHistograms(1, s.getHistograms(1).toBuilder().setCountFloat(Double.NaN)))));
        expect(400, "bucket 0 is NaN", v2(b -> series(b, 1,
                s -> s.setHistograms(1, s.getHistograms(1).toBuilder().setPositiveCounts(0, Double.NaN)))));
        expect(400, "schema 9 is not -4..8 or -53", v2(b -> series(b, 1,
                s -> s.setHistograms(0, s.getHistograms(0).toBuilder().setSchema(9)))));
        expect(400, "negative", v2(b -> series(b, 1, s -> s.setHistograms(0, s.getHistograms(0).toBuilder().setNegativeDeltas(0, -4)))));
        expect(400, "custom bounds are not finite and strictly increasing", v2(b -> series(b, 1,
                s -> s.setHistograms(2, s.getHistograms(2).toBuilder().setCustomValues(1, 0.05)))));
        expect(400, "integer deltas in a float histogram", v2(b -> series(b, 1,
                s -> s.setHistograms(1, s.getHistograms(1).toBuilder().addPositiveDeltas(1)))));
        // 1.0 holds its histograms to the same rules
        RemoteWrite.Histogram h = RemoteWrite.Histogram.parseFrom(RemoteWriteV2Test.intHistogram(1763773200000L).toBuilder()
                .addPositiveDeltas(1).build().toByteString());
        expect(400, "positive spans cover 3 buckets but 4 are given", client.write(RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(RemoteWriteClient.series("rpc_seconds").toBuilder().addHistograms(h)).build()));
    }

    @Test
    void v1AndV2ProtoParametersAreTakenAsTheSpecWrites() throws Exception {
        for (String type : List.of("application/x-protobuf", "application/x-protobuf;proto=prometheus.WriteRequest",
                "application/x-protobuf; proto=\"prometheus.WriteRequest\"")) {
            byte[] garbage = Snappy.compress(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x01, 0x02});
            expect(400, "not a remote_write WriteRequest", client.post("/api/v1/write", garbage, type, "snappy"));
        }
    }
}
