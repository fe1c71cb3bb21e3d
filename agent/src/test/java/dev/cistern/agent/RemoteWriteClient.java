package dev.cistern.agent;

import dev.cistern.agent.remotewrite.prompb.RemoteWrite;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.xerial.snappy.Snappy;

/** Sends remote_write requests the way Prometheus does: snappy block format around protobuf, over real HTTP. */
public final class RemoteWriteClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public RemoteWriteClient(String host, int port) {
        this.base = "http://" + host + ":" + port;
    }

    public static RemoteWrite.TimeSeries series(String name, String... labelPairs) {
        RemoteWrite.TimeSeries.Builder b = RemoteWrite.TimeSeries.newBuilder();
        b.addLabels(RemoteWrite.Label.newBuilder().setName("__name__").setValue(name));
        for (int i = 0; i < labelPairs.length; i += 2) {
            b.addLabels(RemoteWrite.Label.newBuilder().setName(labelPairs[i]).setValue(labelPairs[i + 1]));
        }
        return b.build();
    }

    public static byte[] encode(RemoteWrite.WriteRequest req) throws IOException {
        return Snappy.compress(req.toByteArray());
    }

    public HttpResponse<String> write(RemoteWrite.WriteRequest req) throws IOException, InterruptedException {
        return post("/api/v1/write", encode(req), "application/x-protobuf", "snappy");
    }

    public HttpResponse<String> post(String path, byte[] body, String contentType, String contentEncoding)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (contentEncoding != null) b.header("Content-Encoding", contentEncoding);
        b.header("X-Prometheus-Remote-Write-Version", "0.1.0");
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
