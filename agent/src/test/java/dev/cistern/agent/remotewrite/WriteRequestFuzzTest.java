package dev.cistern.agent.remotewrite;

import static dev.cistern.agent.remotewrite.WriteRequestValidatorTest.label;
import static dev.cistern.agent.remotewrite.WriteRequestValidatorTest.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import java.time.Duration;
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

    /** Series and samples Prometheus refuses or drops, next to good ones: damage moves them across the rules' lines. */
    static RemoteWrite.WriteRequest breakingTheRules() {
        long now = 1763773200000L;
        return RemoteWrite.WriteRequest.newBuilder()
                .addTimeseries(RemoteWrite.TimeSeries.newBuilder().addLabels(label("__name__", "up")).addLabels(label("job", "a"))
                        .addLabels(label("job", "b")).addSamples(sample(now, 1)))
                .addTimeseries(RemoteWrite.TimeSeries.newBuilder().addLabels(label("__name__", "up")).addLabels(label("__name__", "x"))
                        .addSamples(sample(now, 1)))
                .addTimeseries(RemoteWrite.TimeSeries.newBuilder().addLabels(label("__name__", "up")).addLabels(label("a-b", "1"))
                        .addSamples(sample(now, 2)))
                .addTimeseries(RemoteWrite.TimeSeries.newBuilder().addLabels(label("__name__", "9up")).addSamples(sample(now, 3)))
                .addTimeseries(RemoteWrite.TimeSeries.newBuilder().addLabels(label("zone", "z")).addLabels(label("__name__", "unsorted"))
                        .addSamples(sample(now, 4)))
                .addTimeseries(RemoteWrite.TimeSeries.newBuilder().addLabels(label("__name__", "ok_metric")).addLabels(label("pod", "p"))
                        .addSamples(sample(now, Double.longBitsToDouble(RemoteWriteRules.STALE_NAN)))
                        .addSamples(sample(now + 1, Double.NaN)).addSamples(sample(Long.MAX_VALUE, 5))
                        .addSamples(sample(Long.MIN_VALUE, 6)).addSamples(sample(0, 7)).addSamples(sample(now + 2, 8)))
                .build();
    }

    @Test
    void requestsBreakingPrometheusRules() throws Exception {
        fuzz(breakingTheRules().toByteArray(), 13);
        fuzz(usual().toByteArray(), 14);
    }

    /** The window and policies of the fuzz: around the corpus' time, everything that can be dropped dropped. */
    static final RemoteWriteRules.Limits WINDOW = new RemoteWriteRules.Limits(1763773200000L - 86_400_000L, 1763773200000L + 600_000, true);
    static final RemoteWriteRules DROP_ALL = new RemoteWriteRules(true, true, Duration.ofDays(1), Duration.ofMinutes(10), true);

    /** Under the drop policies the validating decoder yields the rows the reference keeps, and refuses only what it refuses. */
    private static void fuzzDropping(byte[] b, RemoteWriteHandoff handoff) {
        RemoteWrite.WriteRequest parsed = parse(b);
        RemoteWrite.WriteRequest kept = parsed == null ? null : PrometheusRules.kept(parsed, WINDOW, true);
        DecodedRequest decoded;
        try {
            decoded = handoff.decode(b, b.length, DROP_ALL, WINDOW);
        } catch (InvalidWriteRequestException e) {
            if (e.getMessage().contains("overflows 64 bits") && PrometheusRules.hasOverflowingVarint(b)) return;
            decoded = null;
        }
        assertEquals(kept != null, decoded != null, () -> "dropping decoder on " + Arrays.toString(b));
        if (kept != null) {
            assertEquals(WriteRequestReaderTest.expected(kept), WriteRequestReaderTest.rows(decoded),
                    () -> "dropping decoder on " + Arrays.toString(b));
        }
    }

    private static void fuzz(byte[] good, long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        WriteRequestReader reader = new WriteRequestReader(new SeriesCache(1 << 20), WriteRequestReaderTest::make);
        // the HTTP thread's path: one walk validates and decodes, trusting the label bytes of cached series
        RemoteWriteHandoff handoff = new RemoteWriteHandoff(2, RemoteWriteHandoffTest.TWO_LANES, WriteRequestReaderTest::make,
                1 << 20, 1 << 20);
        RemoteWriteHandoff dropping = new RemoteWriteHandoff(2, RemoteWriteHandoffTest.TWO_LANES, WriteRequestReaderTest::make,
                1 << 20, 1 << 20);
        quietly(() -> handoff.decode(good, good.length)); // its series are cached: damaged copies mostly hit them
        quietly(() -> dropping.decode(good, good.length, DROP_ALL, WINDOW));
        int accepted = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] b = mutate(good, rnd);
            fuzzDropping(b, dropping);
            RemoteWrite.WriteRequest parsed = parse(b);
            long expected = parsed == null ? -1 : samplesIfValid(parsed);
            long actual;
            try {
                actual = WriteRequestValidator.validate(b, b.length);
            } catch (InvalidWriteRequestException e) {
                // the generated parser reads a 10-byte varint whose last byte overflows; Prometheus' decoder refuses it
                if (e.getMessage().contains("overflows 64 bits") && PrometheusRules.hasOverflowingVarint(b)) expected = -1;
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
        assertTrue(accepted > 100 || seed == 13, "the damage leaves some requests valid: " + accepted);
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (InvalidWriteRequestException expected) {
            // a seed request that breaks the rules caches nothing
        }
    }

    static byte[] mutate(byte[] good, SplittableRandom rnd) {
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

    /** The reference: the generated parser, then the agent's and Prometheus' rules, refusing every breach, no window but 1970-9999. */
    private static long samplesIfValid(RemoteWrite.WriteRequest req) {
        RemoteWrite.WriteRequest kept = PrometheusRules.kept(req, RemoteWriteRules.Limits.SPOOL_RANGE, false);
        if (kept == null) return -1;
        long samples = 0;
        for (RemoteWrite.TimeSeries ts : kept.getTimeseriesList()) samples += ts.getSamplesCount();
        return samples;
    }
}
