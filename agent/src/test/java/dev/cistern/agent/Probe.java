package dev.cistern.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A well-behaved client checking, while others misbehave, that a valid write and /healthz are answered within a second. */
final class Probe {
    private static final AtomicLong TS = new AtomicLong(1763773200000L);
    private final String base;
    private final HttpClient http;

    Probe(Agent agent) throws Exception {
        this.base = agent.url();
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        if (base.startsWith("https")) b.sslContext(trustAll());
        this.http = b.build();
    }

    /** A valid write (answered 204, or 503 when {@code overloadOk}) and /healthz (200), each within 1 s. */
    void answersWithinASecond(boolean overloadOk) throws Exception {
        answersWithin(Duration.ofSeconds(1), overloadOk);
    }

    /** The same before any abuse, to load classes and warm TLS up: a cold first handshake may take more than a second. */
    Probe warmedUp() throws Exception {
        answersWithin(Duration.ofSeconds(20), false);
        return this;
    }

    private void answersWithin(Duration limit, boolean overloadOk) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> w = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write")).timeout(limit)
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .POST(HttpRequest.BodyPublishers.ofByteArray(RemoteWriteClient.encode(sample()))).build(),
                HttpResponse.BodyHandlers.ofString());
        Set<Integer> ok = overloadOk ? Set.of(204, 503) : Set.of(204);
        assertTrue(ok.contains(w.statusCode()), "write answered " + w.statusCode() + " " + w.body());
        HttpResponse<String> h = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).timeout(limit).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, h.statusCode());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2 * limit.toMillis(), "write + healthz took " + ms + " ms");
    }

    static RemoteWrite.WriteRequest sample() {
        return RemoteWrite.WriteRequest.newBuilder().addTimeseries(RemoteWriteClient.series("up", "job", "probe").toBuilder()
                .addSamples(RemoteWrite.Sample.newBuilder().setTimestamp(TS.incrementAndGet()).setValue(1))).build();
    }

    static SSLContext trustAll() throws Exception {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String a) {}
            public void checkServerTrusted(X509Certificate[] chain, String a) {}
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return c;
    }
}
