package dev.cistern.jmh;

import dev.cistern.spool.SealTrailer;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.uploader.UploadPolicy;
import dev.cistern.uploader.UploadSummary;
import dev.cistern.uploader.Uploader;
import dev.cistern.uploader.s3.S3Destination;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * What both upload benchmarks measure: the same sealed files, uploaded to the same in-process S3
 * server (S3Proxy, objects in memory) either by the {@link Uploader} or by a plain loop of SDK
 * putObject calls with the same HTTP client, checksum and concurrency. The uploader also moves
 * each file to uploaded/ (with fsyncs) and writes its upload log, as in production.
 */
final class UploadBenchFixture implements AutoCloseable {
    private static final String ACCESS = "bench-access";
    private static final String SECRET = "bench-secret";
    private static final long MIB = 1L << 20;
    private static final String BUCKET = "bench";

    final int files;
    final int fileMiB;
    private final S3Proxy proxy;
    private final S3Client plain;
    private final ExecutorService pool;
    private final Path spool;
    private final SpoolLayout layout;
    private final List<SegmentName> names = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final Uploader uploader;

    UploadBenchFixture(int concurrency, int files, int fileMiB) throws Exception {
        this.files = files;
        this.fileMiB = fileMiB;
        proxy = S3Proxy.builder().blobStore(new TransientNio2BlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS, SECRET).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) Thread.sleep(5);
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET));
        // the same client settings the S3 destination uses
        // the same HTTP client the S3 destination uses; the SDK's own default retries, as a plain loop would have
        plain = S3Client.builder().httpClient(UrlConnectionHttpClient.builder().build()).endpointOverride(endpoint)
                .forcePathStyle(true).region(Region.US_EAST_1).credentialsProvider(credentials).build();
        plain.createBucket(b -> b.bucket(BUCKET));
        pool = Executors.newFixedThreadPool(concurrency);

        spool = Files.createTempDirectory("cistern-upload-bench");
        layout = new SpoolLayout(spool);
        S3Destination destination = S3Destination.builder(BUCKET).endpoint(endpoint).pathStyle(true).region("us-east-1")
                .credentials(credentials).build();
        Random random = new Random(1);
        byte[] buf = new byte[(int) MIB];
        long t0 = 1763773200000L;
        for (int i = 0; i < files; i++) {
            SegmentName name = new SegmentName("bench", t0 + i * 60_000L, t0 + i * 60_000L + 59_000, 1000, fileMiB * MIB,
                    SegmentName.FORMAT_VERSION, SegmentName.newId(t0 + i));
            Path p = layout.sealedPath(name);
            Files.createDirectories(p.getParent());
            CRC32C crc = new CRC32C();
            try (OutputStream out = Files.newOutputStream(p)) {
                for (int m = 0; m < fileMiB; m++) {
                    random.nextBytes(buf); // sealed segments are compressed: random bytes are fair
                    out.write(buf);
                    crc.update(buf);
                }
                // the seal trailer the uploader checks before it ships a file
                out.write(SealTrailer.encode(fileMiB * MIB, (int) crc.getValue(), 0));
            }
            names.add(name);
            keys.add(destination.keyFor(name));
        }
        uploader = Uploader.builder(spool, destination).policy(UploadPolicy.builder().concurrency(concurrency).build()).build();
    }

    /** Retries the uploader made so far (each costs at least its backoff delay). */
    long uploaderRetries() {
        return uploader.metrics().retries();
    }

    long bytes() {
        return files * fileMiB * MIB;
    }

    /** Puts every file back into sealed/ so the next round uploads all of them. */
    void refill() throws IOException {
        for (SegmentName n : names) {
            Path up = layout.uploadedPath(n);
            if (Files.exists(up)) Files.move(up, layout.sealedPath(n), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    UploadSummary runUploader() throws IOException {
        UploadSummary s = uploader.runOnce();
        if (s.uploaded() != files) throw new IllegalStateException("uploaded " + s);
        return s;
    }

    int runPlainLoop() throws Exception {
        List<Future<?>> done = new ArrayList<>(files);
        for (int i = 0; i < names.size(); i++) {
            Path file = layout.sealedPath(names.get(i));
            String key = keys.get(i);
            done.add(pool.submit(() -> plain.putObject(PutObjectRequest.builder().bucket(BUCKET).key(key)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32_C).build(), RequestBody.fromFile(file))));
        }
        for (Future<?> f : done) f.get();
        return done.size();
    }

    @Override
    public void close() throws Exception {
        uploader.close();
        pool.shutdownNow();
        plain.close();
        proxy.stop();
        try (Stream<Path> s = Files.walk(spool)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
