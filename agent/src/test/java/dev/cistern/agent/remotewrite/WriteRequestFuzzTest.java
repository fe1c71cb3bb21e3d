package dev.cistern.agent.remotewrite;

import static dev.cistern.agent.remotewrite.WriteRequestValidatorTest.label;
import static dev.cistern.agent.remotewrite.WriteRequestValidatorTest.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random damage to valid requests: the in-place validator accepts exactly what the generated
 * parser plus the agent's label rules accept, with the same sample count, and for every accepted
 * request the sealer's reader yields the rows the generated parser yields. So does the HTTP
 * thread's validating decoder ({@link RemoteWriteHandoff#decode}), which trusts cached label bytes.
 * Both the fast paths (Prometheus-shaped series) and the general walk are exercised.
 */
class WriteRequestFuzzTest {

    /** Shaped like Prometheus' requests: ASCII labels (one empty, so left out), value then timestamp, a zero value left out. */
    static RemoteWrite.WriteRequest usual() {
        RemoteWrite.WriteRequest.Builder r = RemoteWrite.WriteRequest.newBuilder();
        for (int i = 0; i < 3; i++) {
            r.addTimeseries(RemoteWrite.TimeSeries.newBuilder()
                    .addLabels(label("__name__", "container_cpu_usage_seconds_total")).addLabels(label("container", "app"))
                    .addLabels(label("pod", "cart-" + i)).addLabels(label("priority_class", ""))
                    .addSamples(sample(1763773200000L + i, i == 1 ? 0 : 77119.1 * i)));
        }
        return r.build();
    }

    @Test
    void usualRequests() throws Exception {
        fuzz(usual().toByteArray(), 11);
    }

    @Test
    void requestsWithEveryKindOfField() throws Exception {
        fuzz(WriteRequestValidatorTest.rich().toByteArray(), 12);
    }

    private static void fuzz(byte[] good, long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        WriteRequestReader reader = new WriteRequestReader(new SeriesCache(1 << 20), WriteRequestReaderTest::make);
        // the HTTP thread's path: one walk validates and decodes, trusting the label bytes of cached series
        RemoteWriteHandoff handoff = new RemoteWriteHandoff(2, RemoteWriteHandoffTest.TWO_LANES, WriteRequestReaderTest::make,
                1 << 20, 1 << 20);
        handoff.decode(good, good.length); // its series are cached: damaged copies mostly hit them
        int accepted = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] b = mutate(good, rnd);
            RemoteWrite.WriteRequest parsed = parse(b);
            long expected = parsed == null ? -1 : samplesIfValid(parsed);
            long actual;
            try {
                actual = WriteRequestValidator.validate(b, b.length);
            } catch (InvalidWriteRequestException e) {
                actual = -1;
            }
            assertEquals(expected, actual, () -> "validator on " + Arrays.toString(b));
            DecodedRequest decoded;
            try {
                decoded = handoff.decode(b, b.length);
            } catch (InvalidWriteRequestException e) {
                decoded = null;
            }
            assertEquals(actual >= 0, decoded != null, () -> "validating decoder on " + Arrays.toString(b));
            if (actual >= 0) {
                accepted++;
                assertEquals(WriteRequestReaderTest.expected(parsed), WriteRequestReaderTest.read(reader, b),
                        () -> "reader on " + Arrays.toString(b));
                assertEquals(actual, decoded.sampleCount());
                assertEquals(WriteRequestReaderTest.expected(parsed), WriteRequestReaderTest.rows(decoded),
                        () -> "validating decoder on " + Arrays.toString(b));
            }
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

    private static RemoteWrite.WriteRequest parse(byte[] b) {
        try {
            return RemoteWrite.WriteRequest.parseFrom(b);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    /** What the agent accepted before the in-place walk: the generated parser, then the label rules. */
    private static long samplesIfValid(RemoteWrite.WriteRequest req) {
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
}
