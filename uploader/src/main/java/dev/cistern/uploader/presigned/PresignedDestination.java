package dev.cistern.uploader.presigned;

import dev.cistern.spool.SegmentName;
import dev.cistern.uploader.Destination;
import dev.cistern.uploader.DestinationException;
import dev.cistern.uploader.HttpStatusClass;
import dev.cistern.uploader.KeyTemplate;
import dev.cistern.uploader.UploadItem;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Uploads through presigned URLs: a batch-allocation call (POST of the file references, with an
 * API key read from a file, to a configured endpoint) returns one URL per reference, then each
 * file goes up with an HTTP PUT to its URL, streamed from disk. See docs/uploader.md for the
 * allocation request and response.
 *
 * <p>A PUT answered 403 with a body that mentions expiry means the URL is stale, not that the
 * file is refused: every URL of that allocation is dropped and allocated again, and the PUT is
 * repeated, without counting as a failure of the file. Allocation failures (wrong API key,
 * endpoint down) are retryable: they say nothing about the file. A reference the allocation
 * refuses by name, or a PUT answered 400/403/404, is permanent.
 */
public final class PresignedDestination implements Destination {
    private static final int MAX_ERROR_BODY = 4096;

    private final URI allocationUrl;
    private final Allocator allocator;
    private final HttpClient http;
    private final String prefix;
    private final KeyTemplate template;
    private final int batchSize;
    private final int maxReallocations;
    private final String name;
    /** URLs allocated and not used yet, by reference (the object key). */
    private final Map<String, Allocator.Grant> granted = new ConcurrentHashMap<>();
    private final AtomicLong reallocations = new AtomicLong();

    private PresignedDestination(Builder b) {
        this.allocationUrl = b.allocationUrl;
        this.prefix = b.prefix;
        this.template = b.template;
        this.batchSize = b.batchSize;
        this.maxReallocations = b.maxReallocations;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.allocator = new Allocator(http, b.allocationUrl, b.apiKeyFile, b.apiKeyHeader, b.allocationTimeout);
        this.name = "presigned+" + withoutSecrets(b.allocationUrl);
    }

    public static Builder builder(URI allocationUrl) {
        return new Builder(allocationUrl);
    }

    /** Keeps scheme, host, port and path: a query string or user info may hold a token. */
    private static String withoutSecrets(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + (u.getPath() == null ? "" : u.getPath());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String keyFor(SegmentName segment) {
        return template.key(prefix, segment);
    }

    /** Times a stale URL was allocated again. */
    public long reallocations() {
        return reallocations.get();
    }

    /** Allocates URLs for the files about to go up, {@code batchSize} per call. */
    @Override
    public void prepare(List<UploadItem> items) throws IOException {
        List<UploadItem> wanted = new ArrayList<>();
        for (UploadItem i : items) {
            if (!granted.containsKey(i.key())) wanted.add(i);
        }
        for (int from = 0; from < wanted.size(); from += batchSize) {
            allocate(wanted.subList(from, Math.min(wanted.size(), from + batchSize)));
        }
    }

    private void allocate(List<UploadItem> items) throws IOException {
        Allocator.Result r = allocator.allocate(items);
        granted.putAll(r.grants());
    }

    @Override
    public void put(UploadItem item) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Allocator.Grant grant = granted.get(item.key());
            if (grant == null) {
                Allocator.Result r = allocator.allocate(List.of(item));
                String refused = r.refused().get(item.key());
                if (refused != null) {
                    throw DestinationException.permanent("allocation endpoint " + name + " refused " + item.key() + ": " + refused,
                            0, null);
                }
                grant = r.grants().get(item.key());
                if (grant == null) {
                    throw DestinationException.retryable("allocation endpoint " + name + " returned no URL for " + item.key(), 0, null);
                }
            }
            granted.remove(item.key(), grant);
            HttpResponse<InputStream> response = send(grant, item);
            int status = response.statusCode();
            String body = readSome(response.body());
            if (status / 100 == 2) return;
            if (status == 403 && mentionsExpiry(body)) {
                if (attempt >= maxReallocations) {
                    throw DestinationException.retryable("presigned URL for " + item.key() + " was expired again after "
                            + attempt + " re-allocations; is the clock of this machine right?", status, null);
                }
                reallocations.incrementAndGet();
                reallocate(grant.batch(), item);
                continue;
            }
            String message = "PUT of " + item.key() + " answered HTTP " + status + (body.isBlank() ? "" : ": " + oneLine(body));
            throw HttpStatusClass.retryable(status) ? DestinationException.retryable(message, status, null)
                    : DestinationException.permanent(message, status, null);
        }
    }

    /** Every URL of a stale allocation is stale too: drop them all and allocate again in one call. */
    private void reallocate(long batch, UploadItem item) throws IOException {
        List<UploadItem> again = new ArrayList<>();
        again.add(item);
        for (Allocator.Grant g : granted.values()) {
            if (g.batch() == batch && granted.remove(g.item().key(), g)) again.add(g.item());
        }
        for (int from = 0; from < again.size(); from += batchSize) {
            allocate(again.subList(from, Math.min(again.size(), from + batchSize)));
        }
    }

    private HttpResponse<InputStream> send(Allocator.Grant grant, UploadItem item) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(grant.url())
                .timeout(item.timeout())
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(item.file()))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw DestinationException.retryable("PUT of " + item.key() + " got no answer within " + item.timeout().toMillis() + " ms",
                    0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("PUT of " + item.key() + " interrupted");
        } catch (IOException e) {
            throw DestinationException.retryable("PUT of " + item.key() + " failed: " + e, 0, e);
        }
    }

    static boolean mentionsExpiry(String body) {
        return body.toLowerCase(Locale.ROOT).contains("expire");
    }

    static String readSome(InputStream in) throws IOException {
        try (in) {
            return new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        }
    }

    static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Settings of a presigned-URL destination. */
    public static final class Builder {
        private final URI allocationUrl;
        private Path apiKeyFile;
        private String apiKeyHeader = "X-Api-Key";
        private String prefix = "";
        private KeyTemplate template = KeyTemplate.DEFAULT;
        private int batchSize = 100;
        private int maxReallocations = 3;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration allocationTimeout = Duration.ofSeconds(30);

        private Builder(URI allocationUrl) {
            this.allocationUrl = Objects.requireNonNull(allocationUrl, "allocation URL");
            String scheme = allocationUrl.getScheme();
            if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("allocation URL must be http(s), was " + allocationUrl);
            }
        }

        /** A file holding the API key (whitespace around it is ignored); read at every allocation, so it can be rotated. */
        public Builder apiKeyFile(Path file) {
            this.apiKeyFile = file;
            return this;
        }

        /** The request header that carries the API key (default X-Api-Key). */
        public Builder apiKeyHeader(String header) {
            this.apiKeyHeader = Objects.requireNonNull(header, "API key header");
            return this;
        }

        public Builder prefix(String prefix) {
            this.prefix = prefix == null ? "" : prefix;
            return this;
        }

        public Builder keyTemplate(KeyTemplate template) {
            this.template = Objects.requireNonNull(template, "key template");
            return this;
        }

        /** References per allocation call. */
        public Builder batchSize(int n) {
            if (n < 1) throw new IllegalArgumentException("batch size must be at least 1, was " + n);
            this.batchSize = n;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Objects.requireNonNull(d);
            return this;
        }

        public Builder allocationTimeout(Duration d) {
            this.allocationTimeout = Objects.requireNonNull(d);
            return this;
        }

        public PresignedDestination build() {
            if (apiKeyFile != null) Allocator.readKey(apiKeyFile); // fail at start, not at the first upload
            return new PresignedDestination(this);
        }
    }
}
