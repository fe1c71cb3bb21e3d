package dev.cistern.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends pre-encoded remote_write requests over C keep-alive connections, each a plain blocking
 * HttpURLConnection loop (cheap: no selector thread, one write and one read per request), and
 * records every request's acknowledgement latency. With a rate, request i is not sent before the time at which
 * the samples before it would have been sent at that rate (an open-loop pace; a slow answer does not push it back).
 */
public final class IngestLoad {
    private static final int MAX_RETRIES = 1000;

    private final RemoteWriteRequests requests;
    private final URL url;
    private final int connections;
    private final long[] latencyNanos;
    private final AtomicInteger next = new AtomicInteger();
    private final LongAdder retries = new LongAdder();
    private final LongAdder clientCpuNanos = new LongAdder();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final double nanosPerSample; // 0: as fast as the agent answers
    private final long[] samplesBefore;
    private long startNanos;

    public IngestLoad(RemoteWriteRequests requests, URL url, int connections) {
        this(requests, url, connections, 0);
    }

    /** {@code samplesPerSecond} 0 sends as fast as the agent answers. */
    public IngestLoad(RemoteWriteRequests requests, URL url, int connections, double samplesPerSecond) {
        if (samplesPerSecond < 0) throw new IllegalArgumentException("rate must not be negative, was " + samplesPerSecond);
        this.nanosPerSample = samplesPerSecond == 0 ? 0 : 1e9 / samplesPerSecond;
        this.samplesBefore = new long[requests.count()];
        for (int i = 1; i < samplesBefore.length; i++) samplesBefore[i] = samplesBefore[i - 1] + requests.samples(i - 1);
        this.requests = requests;
        this.url = url;
        this.connections = connections;
        this.latencyNanos = new long[requests.count()];
        // The JDK keeps at most 5 idle connections per destination unless told otherwise.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(Math.max(5, connections)));
        }
    }

    /** Sends every request once (retrying 429/503 answers); returns when all are acknowledged. */
    public void run(Runnable clockStart) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CountDownLatch ready = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                long cpu0 = threads.getCurrentThreadCpuTime();
                try {
                    ready.countDown();
                    go.await();
                    int i;
                    while ((i = next.getAndIncrement()) < requests.count() && failure.get() == null) send(i);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    clientCpuNanos.add(threads.getCurrentThreadCpuTime() - cpu0);
                }
            }, "bench-sender-" + c);
            senders.add(t);
            t.start();
        }
        ready.await();
        clockStart.run();
        startNanos = System.nanoTime(); // published to the senders by the latch
        go.countDown();
        for (Thread t : senders) t.join();
        if (failure.get() != null) throw new IllegalStateException("sending failed: " + failure.get().getMessage(), failure.get());
    }

    private void send(int i) throws IOException, InterruptedException {
        if (nanosPerSample > 0) {
            long wait = startNanos + (long) (samplesBefore[i] * nanosPerSample) - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        byte[] body = requests.body(i);
        long start = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            HttpURLConnection c = (HttpURLConnection) url.openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(body.length);
            c.setRequestProperty("Content-Type", requests.protocol().contentType);
            c.setRequestProperty("Content-Encoding", "snappy");
            c.setRequestProperty("X-Prometheus-Remote-Write-Version", requests.protocol().version);
            try (OutputStream o = c.getOutputStream()) {
                o.write(body);
            }
            int status = c.getResponseCode();
            String answer = drain(status >= 400 ? c.getErrorStream() : c.getInputStream());
            if (status == 204 || status == 200) break;
            if ((status == 429 || status == 503) && attempt < MAX_RETRIES) {
                retries.increment();
                Thread.sleep(20); // backpressure: the sealer is behind; Prometheus would back off too
                continue;
            }
            throw new IOException("request " + i + " answered " + status + ": " + answer.strip());
        }
        latencyNanos[i] = System.nanoTime() - start;
    }

    /** Reads the answer to the end so the connection goes back to the keep-alive pool. */
    private static String drain(InputStream in) throws IOException {
        if (in == null) return "";
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Acknowledgement latency per request (including retries), nanoseconds, in request order. */
    public long[] latencyNanos() {
        return latencyNanos;
    }

    public long retries() {
        return retries.sum();
    }

    /** CPU time the sender threads used. */
    public long clientCpuNanos() {
        return clientCpuNanos.sum();
    }
}
