package dev.cistern.cli;

import static dev.cistern.testkit.Times.T0;

import dev.cistern.agent.RemoteWriteClient;
import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.BitSet;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Sends remote_write requests of numbered samples (sample n: timestamp T0 + n, value n), so each one
 * can be found in sealed output, and remembers which were acknowledged (204). Outlives the agent:
 * after a restart, {@link #to(int)} points it at the new port and numbering goes on.
 */
public final class NumberedSamples {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final boolean randomLabels;
    private final SplittableRandom rnd = new SplittableRandom(15);
    private final BitSet acked = new BitSet();
    private final Map<String, Integer> answers = new TreeMap<>();
    private RemoteWriteClient client;
    private int next;
    private long ackedBodyBytes;

    /**
     * @param randomLabels every sample its own series with a random 48-character label (poorly
     *                     compressible, so the spool fills); otherwise two series, even and odd
     */
    public NumberedSamples(boolean randomLabels) {
        this.randomLabels = randomLabels;
    }

    public NumberedSamples to(int port) {
        client = new RemoteWriteClient("127.0.0.1", port);
        return this;
    }

    public RemoteWriteClient client() { return client; }
    /** Samples acknowledged so far, by number. */
    public BitSet acked() { return acked; }
    /** Samples numbered so far: every number below this was sent at most once. */
    public int sent() { return next; }

    /** Bytes of the request bodies acknowledged (snappy, as sent and journaled). */
    public long ackedBodyBytes() { return ackedBodyBytes; }
    /** Answers so far by status and reason (e.g. "204", "503 spool is over its...", "io"), for messages. */
    public Map<String, Integer> answers() { return answers; }

    /** One request of {@code n} new samples; the status, or -1 when the request failed (neither acknowledged nor refused). */
    public int send(int n) throws InterruptedException {
        int first = next;
        next += n;
        return post(first, n);
    }

    /**
     * One request of {@code n} new samples, repeated on 503 and 429 (as Prometheus does) until it
     * is acknowledged or {@code patience} has passed; the last status. Refused requests wrote nothing,
     * so the repeat is not a duplicate.
     */
    public int sendUntilAccepted(int n, Duration patience) throws InterruptedException {
        int first = next;
        next += n;
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            int status = post(first, n);
            if ((status != 503 && status != 429) || System.nanoTime() > deadline) return status;
            Thread.sleep(100);
        }
    }

    private int post(int first, int n) throws InterruptedException {
        try {
            RemoteWrite.WriteRequest req = request(first, n);
            HttpResponse<String> r = client.write(req);
            int s = r.statusCode();
            answers.merge(s == 204 ? "204" : s + " " + reason(r.body()), 1, Integer::sum);
            if (s == 204) {
                acked.set(first, first + n);
                ackedBodyBytes += RemoteWriteClient.encode(req).length;
            }
            return s;
        } catch (IOException e) {
            answers.merge("io", 1, Integer::sum);
            return -1;
        }
    }

    private RemoteWrite.WriteRequest request(int first, int n) {
        RemoteWrite.WriteRequest.Builder req = RemoteWrite.WriteRequest.newBuilder();
        if (randomLabels) {
            for (int seq = first; seq < first + n; seq++) {
                req.addTimeseries(RemoteWriteClient.series("retention_test", "blob", randomLabel()).toBuilder().addSamples(sample(seq)));
            }
            return req.build();
        }
        RemoteWrite.TimeSeries.Builder even = RemoteWriteClient.series("retention_test", "parity", "even").toBuilder();
        RemoteWrite.TimeSeries.Builder odd = RemoteWriteClient.series("retention_test", "parity", "odd").toBuilder();
        for (int seq = first; seq < first + n; seq++) (seq % 2 == 0 ? even : odd).addSamples(sample(seq));
        return req.addTimeseries(even).addTimeseries(odd).build();
    }

    private static RemoteWrite.Sample sample(long seq) {
        return RemoteWrite.Sample.newBuilder().setTimestamp(T0 + seq).setValue(seq).build();
    }

    private String randomLabel() {
        char[] c = new char[48];
        for (int i = 0; i < c.length; i++) c[i] = ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
        return new String(c);
    }

    /** The start of an error answer's text, for messages. */
    private static String reason(String body) {
        String b = body.strip();
        return b.length() > 60 ? b.substring(0, 60) + "..." : b;
    }
}
