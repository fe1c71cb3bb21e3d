package dev.cistern.agent.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
                                .setCountInt(3).setSum(1.5).setSchema(1).setTimestamp(1763773200000L)
                                .addPositiveSpans(RemoteWrite.BucketSpan.newBuilder().setOffset(0).setLength(2))
                                .addPositiveDeltas(1).addPositiveDeltas(1)))
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
                    .addLabels(label("__name__", "up"))
                    .addExemplars(RemoteWrite.Exemplar.newBuilder().addLabels(label("t", marker)))).build(),
            RemoteWrite.WriteRequest.newBuilder().addMetadata(RemoteWrite.MetricMetadata.newBuilder().setHelp(marker)).build(),
        };
        for (RemoteWrite.WriteRequest r : cases) {
            byte[] b = replace(r.toByteArray(), marker.getBytes(StandardCharsets.UTF_8), bad);
            assertThrows(InvalidProtocolBufferException.class, () -> RemoteWrite.WriteRequest.parseFrom(b), "generated parser agrees");
            InvalidWriteRequestException e = refused(b);
            assertFalse(e.tooLarge(), "a 400, not a 413");
            assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
        }
    }

    @Test
    void refusesDeeplyNestedGroupsWithoutOverflowingTheStack() {
        byte[] b = new byte[100_000];
        Arrays.fill(b, (byte) 0x4b); // field 9, start group, again and again
        InvalidWriteRequestException e = refused(b);
        assertEquals("malformed_protobuf", e.reason());
    }

    @Test
    void refusesALengthPastTheEnd() {
        byte[] b = {0x0a, 0x05, 0x0a, 0x00};
        assertEquals("malformed_protobuf", refused(b).reason());
    }

    @Test
    void appliesTheLabelRules() {
        byte[] noName = RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                .addLabels(label("job", "x")).addSamples(sample(1, 1))).build().toByteArray();
        assertTrue(assertThrows(InvalidWriteRequestException.class, () -> WriteRequestValidator.validate(noName, noName.length))
                .getMessage().contains("series 0 has no __name__"));
        byte[] emptyName = RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                .addLabels(label("__name__", "up")).addLabels(label("", "x"))).build().toByteArray();
        assertTrue(assertThrows(InvalidWriteRequestException.class, () -> WriteRequestValidator.validate(emptyName, emptyName.length))
                .getMessage().contains("empty name"));
        byte[] noSamplesNoName = RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                .addLabels(label("job", "x"))).build().toByteArray();
        assertEquals(0, WriteRequestValidator.validate(noSamplesNoName, noSamplesNoName.length));
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

    private static InvalidWriteRequestException refused(byte[] b) {
        return assertThrows(InvalidWriteRequestException.class, () -> WriteRequestValidator.validate(b, b.length));
    }
}
