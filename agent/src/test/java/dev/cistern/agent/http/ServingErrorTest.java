package dev.cistern.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.metrics.AgentMetrics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, 1: an Error thrown while a worker handles a request (a 10 MiB remote_write body once killed its HTTP
 * worker with OutOfMemoryError) still answers the client; before, the client waited for good and Prometheus retried
 * the request forever. The worker lives on and serves the next request.
 */
class ServingErrorTest {
    @Test
    void anErrorInAnEndpointIsAnsweredAndTheWorkerServesTheNextRequest() throws Exception {
        try (HttpFront front = new HttpFront(new InetSocketAddress("127.0.0.1", 0), null, ServerLimits.defaults(1 << 20, 1),
                new AgentMetrics(), BearerAuth.none())) {
            int[] calls = {0};
            front.ingest("/api/v1/write", "remote_write", ex -> {
                if (calls[0]++ == 0) throw new StackOverflowError("deep");
                return Responses.empty(ex, 204);
            });
            front.ops("/healthz", "healthz", ex -> {
                throw new NoClassDefFoundError("dev/cistern/Missing");
            });
            front.start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = "http://127.0.0.1:" + front.address().getPort();
            HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write")).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, first.statusCode());
            assertTrue(first.body().contains("StackOverflowError"), first.body());
            HttpResponse<String> second = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(204, second.statusCode(), "the single worker still serves");
            HttpResponse<String> ops = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, ops.statusCode());
        }
    }
}
