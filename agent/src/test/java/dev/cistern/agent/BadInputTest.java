package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import dev.cistern.spool.Row;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/** Every kind of bad request gets its 4xx with a reason, the agent stays up, and nothing is written (checked after each). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    @TempDir static Path tmp;
    static Path data; // a folder of its own, so that ".." escapes land in tmp, which nothing else writes to
    private Agent agent;
    private RemoteWriteClient client;
    /** Accepted samples and rows, and rows in the spool, before the request under test: a failure names its own input. */
    private double acceptedBefore;
    private long rowsBefore;

    @BeforeAll
    void start() throws Exception {
        data = tmp.resolve("data");
        agent = TestAgents.start(data, "CISTERN_INGEST__MAX_BODY_BYTES", "64KiB",
                "CISTERN_INGEST__REMOTE_WRITE__MAX_AGE", "7d"); // the default window, which the fixture widens
        client = TestAgents.client(agent);
    }

    @AfterAll
    void stop() throws Exception {
        agent.close();
    }

    @BeforeEach
    void baseline() throws Exception {
        acceptedBefore = accepted();
        rowsBefore = rows();
    }

    private void expect(int status, String reasonFragment, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), input(r) + ": " + r.body());
        assertTrue(r.body().toLowerCase().contains(reasonFragment), input(r) + ": reason '" + reasonFragment + "' in: " + r.body());
        assertEquals(200, client.get("/healthz").statusCode(), "agent still up after " + input(r));
        assertNothingWritten(r);
    }

    private void assertNothingWritten(HttpResponse<String> r) throws Exception {
        double accepted = accepted();
        long rows = rows();
        try {
            assertEquals(acceptedBefore, accepted, input(r) + " was accepted");
            assertEquals(rowsBefore, rows, input(r) + " wrote rows");
        } finally {
            acceptedBefore = accepted;
            rowsBefore = rows;
        }
    }

    /** The request, as a failure message names it. */
    private static String input(HttpResponse<String> r) {
        HttpHeaders h = r.request().headers();
        return r.request().method() + " " + r.request().uri().getRawPath()
                + (r.request().uri().getRawQuery() == null ? "" : "?" + r.request().uri().getRawQuery())
                + " (" + h.firstValue("Content-Type").orElse("no content type") + ", "
                + h.firstValue("Content-Encoding").orElse("no encoding") + ")";
    }

    /** Samples and NDJSON rows the endpoints accepted (counted when the journal has them). */
    private double accepted() {
        MeterRegistry m = agent.metrics().registry();
        return m.get("cistern.ingest.samples.accepted").counter().count()
                + m.get("cistern.ingest.ndjson.rows.accepted").counter().count();
    }

    /** Rows in the spool, open segments sealed first. */
    private long rows() throws Exception {
        agent.spool().sealAll();
        List<Row> rows = new ArrayList<>();
        Scanner.of(data).scan(ScanQuery.all(), rows::add);
        return rows.size();
    }

    private static byte[] validWriteRequest() {
        return RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWriteClient.series("up").toBuilder()
                .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(1).setValue(1))).build().toByteArray();
    }

    @Test
    void truncatedSnappy() throws Exception {
        byte[] full = Snappy.compress(validWriteRequest());
        byte[] cut = Arrays.copyOf(full, full.length - 3);
        expect(400, "snappy", client.post("/api/v1/write", cut, "application/x-protobuf", "snappy"));
    }

    @Test
    void garbageProtobuf() throws Exception {
        byte[] garbage = Snappy.compress(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x01, 0x02});
        expect(400, "writerequest", client.post("/api/v1/write", garbage, "application/x-protobuf", "snappy"));
    }

    @Test
    void hugeDeclaredSnappyLength() throws Exception {
        // snappy preamble: varint uncompressed length 2 GiB, then a tiny literal
        byte[] bomb = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 0x00, 'x'};
        HttpResponse<String> r = client.post("/api/v1/write", bomb, "application/x-protobuf", "snappy");
        assertTrue(r.statusCode() == 400 || r.statusCode() == 413, r.statusCode() + " " + r.body());
        assertEquals(200, client.get("/healthz").statusCode());
        assertNothingWritten(r);
    }

    @Test
    void snappyBombOverTheDecompressedLimit() throws Exception {
        byte[] big = Snappy.compress(new byte[1 << 20]); // 1 MiB of zeros compresses to ~50 KiB... still under 64 KiB body
        expect(413, "limit", client.post("/api/v1/write", big, "application/x-protobuf", "snappy"));
    }

    @Test
    void invalidUtf8InLabelValue() throws Exception {
        // field 1 (timeseries) { field 1 (label) { name "__name__", value 0xC3 0x28 } }
        byte[] label = concat(new byte[] {0x0a, 8}, "__name__".getBytes(StandardCharsets.US_ASCII), new byte[] {0x12, 2, (byte) 0xc3, 0x28});
        byte[] series = concat(new byte[] {0x0a, (byte) label.length}, label);
        byte[] req = concat(new byte[] {0x0a, (byte) series.length}, series);
        expect(400, "utf-8", client.post("/api/v1/write", Snappy.compress(req), "application/x-protobuf", "snappy"));
    }

    @Test
    void seriesWithoutName() throws Exception {
        RemoteWrite.WriteRequest req = RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                .addLabels(RemoteWrite.Label.newBuilder().setName("job").setValue("x"))
                .addSamples(RemoteWrite.Sample.newBuilder().setValue(1).setTimestamp(1))).build();
        expect(400, "__name__", client.write(req));
    }

    @Test
    void wrongContentTypeAndEncoding() throws Exception {
        byte[] body = Snappy.compress(validWriteRequest());
        expect(415, "content-type", client.post("/api/v1/write", body, "application/json", "snappy"));
        expect(415, "content-encoding", client.post("/api/v1/write", body, "application/x-protobuf", null));
        expect(415, "content-type", client.post("/api/v1/ingest?stream=events", "{}".getBytes(), "text/csv", null));
        expect(415, "content-encoding", client.post("/api/v1/ingest?stream=events", "{}".getBytes(), "application/x-ndjson", "br"));
    }

    @Test
    void oversizedBodies() throws Exception {
        expect(413, "limit", client.post("/api/v1/write", new byte[70_000], "application/x-protobuf", "snappy"));
        expect(413, "limit", client.post("/api/v1/ingest?stream=events", new byte[70_000], "application/x-ndjson", null));
    }

    @Test
    void gzipBomb() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            byte[] line = "{\"a\":1}\n".getBytes();
            for (int i = 0; i < 100_000; i++) gz.write(line); // 800 KB inflated, a few KB deflated
        }
        assertTrue(b.size() < 64 * 1024);
        expect(413, "limit", client.post("/api/v1/ingest?stream=events", b.toByteArray(), "application/x-ndjson", "gzip"));
    }

    @Test
    void malformedNdjsonIsRefusedWhole() throws Exception {
        byte[] body = "{\"ok\":1}\n{\"broken\":\n{\"ok\":2}\n".getBytes();
        expect(400, "line 2", client.post("/api/v1/ingest?stream=events", body, "application/x-ndjson", null));
        expect(400, "json object", client.post("/api/v1/ingest?stream=events", "[1,2]\n".getBytes(), "application/x-ndjson", null));
        byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, 0x28, '"', '}', '\n'};
        expect(400, "utf-8", client.post("/api/v1/ingest?stream=events", badUtf8, "application/x-ndjson", null));
        expect(400, "gzip", client.post("/api/v1/ingest?stream=events", "not gzip".getBytes(), "application/x-ndjson", "gzip"));
    }

    @Test
    void badStreamNames() throws Exception {
        for (String s : new String[] {"..%2Fx", "../x", "UPPER", "a%2Fb", "", "x".repeat(65)}) {
            expect(400, "stream", client.post("/api/v1/ingest?stream=" + s, "{}\n".getBytes(), "application/x-ndjson", null));
        }
        expect(400, "stream", client.post("/api/v1/ingest", "{}\n".getBytes(), "application/x-ndjson", null));
        assertTrue(!Files.exists(data.resolve("x")) && !Files.exists(data.getParent().resolve("x")));
    }

    @Test
    void wrongMethod() throws Exception {
        expect(405, "post", client.get("/api/v1/write"));
    }

    private static RemoteWrite.WriteRequest oneSeries(long ts, double value, String name, String... labels) {
        return RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWriteClient.series(name, labels).toBuilder()
                .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(ts).setValue(value))).build();
    }

    @Test
    void labelsPrometheusRefusesAreRefusedNamingTheSeries() throws Exception {
        long now = System.currentTimeMillis();
        expect(400, "label name \"job\" appears twice", client.write(oneSeries(now, 1, "up", "job", "a", "job", "b")));
        assertRejected("duplicate_label_name");
        expect(400, "job=\"b\"", client.write(oneSeries(now, 1, "up", "job", "a", "job", "b")));
        expect(400, "\"__name__\" appears twice", client.write(oneSeries(now, 1, "up", "__name__", "other")));
        expect(400, "label name \"a-b\" is not", client.write(oneSeries(now, 1, "up", "a-b", "1")));
        assertRejected("invalid_label_name");
        expect(400, "label name \"0a\" is not", client.write(oneSeries(now, 1, "up", "0a", "1")));
        expect(400, "metric name \"http.requests\" is not", client.write(oneSeries(now, 1, "http.requests")));
        assertRejected("invalid_metric_name");
    }

    @Test
    void timestampsOutsideTheWindowAreRefusedNamingTheSeries() throws Exception {
        long now = System.currentTimeMillis();
        for (long ts : new long[] {0, Long.MIN_VALUE, -1, now - 8 * 86_400_000L}) {
            expect(400, "max_age", client.write(oneSeries(ts, 1, "up", "job", "old")));
        }
        for (long ts : new long[] {Long.MAX_VALUE, now + 3_600_000L}) {
            expect(400, "max_future", client.write(oneSeries(ts, 1, "up", "job", "new")));
        }
        expect(400, "{__name__=\"up\", job=\"new\"}", client.write(oneSeries(Long.MAX_VALUE, 1, "up", "job", "new")));
        // one bad sample refuses the request whole: the good series next to it is not written either
        RemoteWrite.WriteRequest mixed = oneSeries(now, 1, "up", "job", "good").toBuilder()
                .addTimeseries(oneSeries(Long.MIN_VALUE, 1, "up", "job", "bad").getTimeseries(0)).build();
        expect(400, "max_age", client.write(mixed));
        assertRejected("timestamp_too_old");
        assertRejected("timestamp_too_new");
    }

    @Test
    void tenByteVarintWhoseLastByteOverflowsIsMalformed() throws Exception {
        // series { __name__="up" } with a sample { timestamp = varint of 10 bytes, the last 0x7f }
        byte[] label = concat(new byte[] {0x0a, 8}, "__name__".getBytes(StandardCharsets.US_ASCII), new byte[] {0x12, 2, 'u', 'p'});
        byte[] ts = {0x10, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, 0x7f};
        byte[] series = concat(new byte[] {0x0a, (byte) label.length}, label, new byte[] {0x12, (byte) ts.length}, ts);
        byte[] req = concat(new byte[] {0x0a, (byte) series.length}, series);
        expect(400, "overflows 64 bits", client.post("/api/v1/write", Snappy.compress(req), "application/x-protobuf", "snappy"));
    }

    @Test
    void ndjsonInOtherEncodingsIsRefusedNamingWhatWasFound() throws Exception {
        String line = "{\"a\":1}\n";
        byte[] utf8Bom = concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, line.getBytes(StandardCharsets.UTF_8));
        expect(400, "utf-8 (ef bb bf) byte-order mark", ndjson(utf8Bom));
        expect(400, "utf-16le (ff fe)", ndjson(concat(new byte[] {(byte) 0xff, (byte) 0xfe}, line.getBytes(StandardCharsets.UTF_16LE))));
        expect(400, "utf-16be (fe ff)", ndjson(line.getBytes(StandardCharsets.UTF_16)));
        expect(400, "nul byte", ndjson(line.getBytes(StandardCharsets.UTF_16BE)));
        expect(400, "nul byte", ndjson(line.getBytes(StandardCharsets.UTF_16LE)));
        assertRejected("bad_encoding");
        expect(400, "utf-32be (00 00 fe ff)", ndjson(concat(new byte[] {0, 0, (byte) 0xfe, (byte) 0xff},
                line.getBytes(Charset.forName("UTF-32BE")))));
        expect(400, "line 2: starts with a utf-8", ndjson(concat("{\"ok\":1}\n".getBytes(StandardCharsets.UTF_8), utf8Bom)));
    }

    @Test
    void ndjsonNestedPastTheLimitIsRefused() throws Exception {
        expect(400, "deeper than 64", ndjson(("{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}\n").getBytes()));
        expect(400, "deeper than 64", ndjson(("{\"a\":" + "[".repeat(64) + "]".repeat(64) + "}\n").getBytes()));
    }

    @Test
    void ndjsonTimestampsOutsideTheSpoolsRangeAreRefused() throws Exception {
        expect(400, "outside 1970-01-01..9999-12-31", ndjson("{\"ts\":-9223372036854775808}\n".getBytes()));
        assertRejected("timestamp_out_of_range");
        expect(400, "outside 1970-01-01..9999-12-31", ndjson("{\"ts\":9223372036854775807}\n".getBytes()));
    }

    private void assertRejected(String reason) {
        Counter c = agent.metrics().registry().find("cistern.ingest.rejected").tag("reason", reason).counter();
        assertTrue(c != null && c.count() > 0, "counted as " + reason);
    }

    private HttpResponse<String> ndjson(byte[] body) throws Exception {
        return client.post("/api/v1/ingest?stream=events", body, "application/x-ndjson", null);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }
}
