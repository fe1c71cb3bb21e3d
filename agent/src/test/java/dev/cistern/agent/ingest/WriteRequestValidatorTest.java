package dev.cistern.agent.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cistern.agent.ingest.prompb.RemoteWrite;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The in-place walk accepts and refuses exactly what the generated parser plus the agent's label rules would. */
class WriteRequestValidatorTest {

    static RemoteWrite.Label label(String k, String v) {
        return RemoteWrite.Label.newBuilder().setName(k).setValue(v).build();
    }

    static RemoteWrite.Sample sample(long ts, double v) {
        return RemoteWrite.Sample.newBuilder().setTimestamp(ts).setValue(v).build();
    }

    /** Every kind of field the proto has, and some it does not. */
    static RemoteWrite.WriteRequest rich() {
        return RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                        .addLabels(label("__name__", "http_requests_total")).addLabels(label("code", "200"))
                        .addLabels(label("path", "/caf\u00e9/\u2603"))
                        .addSamples(sample(1763773200000L, 12)).addSamples(sample(1763773215000L, 13.5))
                        .addExemplars(RemoteWrite.Exemplar.newBuilder().addLabels(label("trace_id", "abc")).setValue(1).setTimestamp(5))
                        .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                                .addField(9, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(7).build()).build()))
                .addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                        .addLabels(label("__name__", "latency")).addHistograms(RemoteWrite.Histogram.newBuilder()
                                .setUnparsed(ByteString.copyFromUtf8("opaque"))))
                .addMetadata(RemoteWrite.MetricMetadata.newBuilder().setType(1).setMetricFamilyName("http_requests_total")
                        .setHelp("Requests.").setUnit("1"))
                .build();
    }

    @Test
    void countsSamplesOfAValidRequest() {
        byte[] b = rich().toByteArray();
        assertEquals(2, WriteRequestValidator.validate(b, b.length));
    }

    @Test
    void refusesInvalidUtf8InEveryStringField() {
        byte[] bad = {(byte) 0xc3, 0x28};
        String marker = "~~"; // as long as the bad bytes, so no length changes
        RemoteWrite.WriteRequest[] cases = {
            RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                    .addLabels(label("__name__", "up")).addLabels(label(marker, "x"))).build(),
            RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                    .addLabels(label("__name__", marker))).build(),
            RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                    .addLabels(label("__name__", "up")).addExemplars(RemoteWrite.Exemplar.newBuilder().addLabels(label("t", marker)))).build(),
            RemoteWrite.WriteRequest.newBuilder().addMetadata(RemoteWrite.MetricMetadata.newBuilder().setHelp(marker)).build(),
        };
        for (RemoteWrite.WriteRequest r : cases) {
            byte[] b = replace(r.toByteArray(), marker.getBytes(StandardCharsets.UTF_8), bad);
            assertThrows(InvalidProtocolBufferException.class, () -> RemoteWrite.WriteRequest.parseFrom(b), "generated parser agrees");
            IngestException e = assertThrows(IngestException.class, () -> WriteRequestValidator.validate(b, b.length));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
        }
    }

    @Test
    void refusesDeeplyNestedGroupsWithoutOverflowingTheStack() {
        byte[] b = new byte[100_000];
        Arrays.fill(b, (byte) 0x4b); // field 9, start group, again and again
        IngestException e = assertThrows(IngestException.class, () -> WriteRequestValidator.validate(b, b.length));
        assertEquals("malformed_protobuf", e.reason());
    }

    @Test
    void refusesALengthPastTheEnd() {
        byte[] b = {0x0a, 0x05, 0x0a, 0x00};
        assertEquals("malformed_protobuf", assertThrows(IngestException.class, () -> WriteRequestValidator.validate(b, b.length)).reason());
    }

    @Test
    void appliesTheLabelRules() {
        byte[] noName = RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                .addLabels(label("job", "x")).addSamples(sample(1, 1))).build().toByteArray();
        assertTrue(assertThrows(IngestException.class, () -> WriteRequestValidator.validate(noName, noName.length))
                .getMessage().contains("series 0 has no __name__"));
        byte[] emptyName = RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                .addLabels(label("__name__", "up")).addLabels(label("", "x"))).build().toByteArray();
        assertTrue(assertThrows(IngestException.class, () -> WriteRequestValidator.validate(emptyName, emptyName.length))
                .getMessage().contains("empty name"));
        byte[] noSamplesNoName = RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                .addLabels(label("job", "x"))).build().toByteArray();
        assertEquals(0, WriteRequestValidator.validate(noSamplesNoName, noSamplesNoName.length));
    }

    /** Random damage to a valid request: accepted exactly when the generated parser and the rules accept it. */
    @Test
    void agreesWithTheGeneratedParserOnDamagedInput() {
        byte[] good = rich().toByteArray();
        SplittableRandom rnd = new SplittableRandom(3);
        int accepted = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] b = mutate(good, rnd);
            long expected = oracle(b);
            long actual;
            try {
                actual = WriteRequestValidator.validate(b, b.length);
            } catch (IngestException e) {
                actual = -1;
            }
            assertEquals(expected, actual, () -> "round with input " + Arrays.toString(b));
            if (actual >= 0) accepted++;
        }
        assertTrue(accepted > 100, "the damage leaves some requests valid: " + accepted);
    }

    private static byte[] mutate(byte[] good, SplittableRandom rnd) {
        byte[] b = good.clone();
        switch (rnd.nextInt(4)) {
            case 0 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            case 1 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
            default -> {
                int at = rnd.nextInt(b.length);
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = (byte) rnd.nextInt(256);
                System.arraycopy(b, at, c, at + 1, b.length - at);
                b = c;
            }
        }
        return b;
    }

    /** What the agent accepted before the in-place walk: the generated parser, then the label rules. */
    private static long oracle(byte[] b) {
        RemoteWrite.WriteRequest req;
        try {
            req = RemoteWrite.WriteRequest.parseFrom(b);
        } catch (InvalidProtocolBufferException e) {
            return -1;
        }
        long samples = 0;
        for (RemoteWrite.TimeSeries ts : req.getTimeseriesList()) {
            boolean named = false;
            for (RemoteWrite.Label l : ts.getLabelsList()) {
                if (l.getName().equals("__name__") && !l.getValue().isEmpty()) named = true;
                if (l.getName().isEmpty()) return -1;
            }
            if (!named && ts.getSamplesCount() > 0) return -1;
            samples += ts.getSamplesCount();
        }
        return samples;
    }

    private static byte[] replace(byte[] in, byte[] what, byte[] with) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int i = 0; i < in.length; ) {
            if (i + what.length <= in.length && Arrays.equals(in, i, i + what.length, what, 0, what.length)) {
                o.writeBytes(with);
                i += what.length;
            } else {
                o.write(in[i++]);
            }
        }
        return o.toByteArray();
    }
}
