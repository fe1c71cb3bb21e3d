package dev.cistern.uploader.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small presigned-URL service on 127.0.0.1: {@code POST /allocate} hands out one-time PUT URLs
 * for references (API key in {@code X-Api-Key}), {@code PUT /put/<token>} stores the body under
 * the reference. URLs can be minted already expired, PUTs can be answered with any status, and
 * references can be refused.
 */
public final class PresignedServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String apiKey;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Set<String> expired = ConcurrentHashMap.newKeySet();
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final List<List<String>> allocations = new CopyOnWriteArrayList<>();
    private final AtomicInteger expireNext = new AtomicInteger();
    private final AtomicInteger puts = new AtomicInteger();
    private final Set<String> refuse = ConcurrentHashMap.newKeySet();
    private volatile int putStatus;
    private volatile String putBody = "";

    public PresignedServer(String apiKey) throws IOException {
        this.apiKey = apiKey;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/allocate", this::allocate);
        server.createContext("/put/", this::put);
        server.start();
    }

    public String allocationUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/allocate";
    }

    /** The next {@code n} URLs handed out are already expired. */
    public void expireNext(int n) { expireNext.set(n); }

    /** Answers every PUT with this status and body (0 = store normally). */
    public void answerPuts(int status, String body) {
        this.putStatus = status;
        this.putBody = body;
    }

    /** Refuses this reference at allocation. */
    public void refuse(String reference) { refuse.add(reference); }

    public Map<String, byte[]> objects() { return objects; }
    public List<List<String>> allocations() { return allocations; }
    public int puts() { return puts.get(); }

    private void allocate(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                send(ex, 405, "use POST");
                return;
            }
            if (!apiKey.equals(ex.getRequestHeaders().getFirst("X-Api-Key"))) {
                send(ex, 401, "{\"error\":\"bad api key\"}");
                return;
            }
            JsonNode req = JSON.readTree(ex.getRequestBody());
            ObjectNode answer = JSON.createObjectNode();
            ObjectNode urls = answer.putObject("urls");
            ObjectNode errors = answer.putObject("errors");
            List<String> refs = new ArrayList<>();
            for (JsonNode f : req.get("files")) {
                String ref = f.get("reference").asText();
                refs.add(ref);
                if (refuse.contains(ref)) {
                    errors.put(ref, "file too large for this account");
                    continue;
                }
                String token = UUID.randomUUID().toString();
                tokens.put(token, ref);
                if (expireNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) expired.add(token);
                urls.put(ref, "http://127.0.0.1:" + server.getAddress().getPort() + "/put/" + token + "?X-Amz-Signature=abc");
            }
            allocations.add(refs);
            send(ex, 200, JSON.writeValueAsString(answer));
        }
    }

    private void put(HttpExchange ex) throws IOException {
        try (ex) {
            puts.incrementAndGet();
            String token = ex.getRequestURI().getPath().substring("/put/".length());
            InputStream body = ex.getRequestBody();
            byte[] bytes = body.readAllBytes();
            if (putStatus != 0) {
                send(ex, putStatus, putBody);
                return;
            }
            if (expired.contains(token)) {
                send(ex, 403, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                        + "<Message>Request has expired</Message></Error>");
                return;
            }
            String ref = tokens.remove(token);
            if (ref == null) {
                send(ex, 403, "<Error><Code>AccessDenied</Code><Message>Invalid signature</Message></Error>");
                return;
            }
            objects.put(ref, bytes);
            send(ex, 200, "");
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
