package dev.cistern.uploader.presigned;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cistern.uploader.DestinationException;
import dev.cistern.uploader.UploadItem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The batch-allocation call: POST {@code {"files":[{"reference","file","stream","bytes"},...]}}
 * with the API key in a header; the answer is {@code {"urls":{reference: url}, "errors":{reference: why}}}.
 * Every failure of the call itself is retryable: it says nothing about the files.
 */
final class Allocator {
    private static final int MAX_RESPONSE = 16 << 20;
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);

    /** A URL for one file, from allocation number {@code batch}. */
    record Grant(URI url, UploadItem item, long batch) {}

    /** URLs granted, and references refused with the reason. */
    record Result(Map<String, Grant> grants, Map<String, String> refused) {}

    private final HttpClient http;
    private final URI url;
    private final Path apiKeyFile;
    private final String apiKeyHeader;
    private final Duration timeout;
    private final AtomicLong batches = new AtomicLong();

    Allocator(HttpClient http, URI url, Path apiKeyFile, String apiKeyHeader, Duration timeout) {
        this.http = http;
        this.url = url;
        this.apiKeyFile = apiKeyFile;
        this.apiKeyHeader = apiKeyHeader;
        this.timeout = timeout;
    }

    static String readKey(Path file) {
        try {
            String key = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (key.isEmpty()) throw new IllegalArgumentException("API key file " + file + " is empty");
            return key;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the API key file " + file + ": " + e.getMessage(), e);
        }
    }

    Result allocate(List<UploadItem> items) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(requestBody(items)));
        if (apiKeyFile != null) {
            String key;
            try {
                key = readKey(apiKeyFile);
            } catch (IllegalArgumentException e) {
                throw DestinationException.retryable(e.getMessage(), 0, e);
            }
            req.header(apiKeyHeader, key);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw DestinationException.retryable("allocation endpoint " + url + " did not answer within " + timeout.toMillis() + " ms",
                    0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("allocation call to " + url + " interrupted");
        } catch (IOException e) {
            throw DestinationException.retryable("cannot reach the allocation endpoint " + url + ": " + e, 0, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String body = PresignedDestination.readSome(response.body());
            String hint = status == 401 || status == 403 ? "; check the API key file" + (apiKeyFile == null ? "" : " " + apiKeyFile) : "";
            throw DestinationException.retryable("allocation endpoint " + url + " answered HTTP " + status
                    + (body.isBlank() ? "" : ": " + PresignedDestination.oneLine(body)) + hint, status, null);
        }
        JsonNode root;
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_RESPONSE + 1);
            if (bytes.length > MAX_RESPONSE) {
                throw DestinationException.retryable("allocation answer from " + url + " is larger than " + MAX_RESPONSE + " bytes",
                        status, null);
            }
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw DestinationException.retryable("allocation answer from " + url + " is not JSON: " + e.getOriginalMessage(), status, e);
        }
        return parse(root, items);
    }

    private Result parse(JsonNode root, List<UploadItem> items) throws DestinationException {
        JsonNode urls = root == null ? null : root.get("urls");
        if (urls == null || !urls.isObject()) {
            throw DestinationException.retryable("allocation answer from " + url + " has no \"urls\" object", 200, null);
        }
        long batch = batches.incrementAndGet();
        Map<String, UploadItem> byKey = new HashMap<>();
        for (UploadItem i : items) byKey.put(i.key(), i);
        Map<String, Grant> grants = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = urls.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            UploadItem item = byKey.get(e.getKey());
            if (item == null || !e.getValue().isTextual()) continue;
            try {
                URI u = new URI(e.getValue().asText());
                if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) continue;
                grants.put(e.getKey(), new Grant(u, item, batch));
            } catch (URISyntaxException bad) {
                // left out: the file is allocated again on its own, and reported if that fails too
            }
        }
        Map<String, String> refused = new HashMap<>();
        JsonNode errors = root.get("errors");
        if (errors != null && errors.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = errors.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                refused.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
        }
        return new Result(grants, refused);
    }

    private static byte[] requestBody(List<UploadItem> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 200 * items.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("files");
            for (UploadItem i : items) {
                g.writeStartObject();
                g.writeStringField("reference", i.key());
                g.writeStringField("file", i.segment().fileName());
                g.writeStringField("stream", i.segment().stream());
                g.writeNumberField("bytes", i.bytes());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
