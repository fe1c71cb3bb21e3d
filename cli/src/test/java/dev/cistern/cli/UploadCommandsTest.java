package dev.cistern.cli;

import static dev.cistern.testkit.TestFiles.awaitFiles;
import static dev.cistern.testkit.TestFiles.files;
import static dev.cistern.testkit.Times.HOUR;
import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cistern.spool.Labels;
import dev.cistern.spool.ScanQuery;
import dev.cistern.spool.Scanner;
import dev.cistern.spool.SealedSegment;
import dev.cistern.spool.Series;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.spool.StreamWriter;
import dev.cistern.testkit.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@code cistern upload}, {@code uploads} and {@code replay} through Main.execute, on real spools. */
class UploadCommandsTest {
    /** S3Proxy and its Jetty log through SLF4J to java.util.logging: keep test output to warnings. */
    static final Logger QUIET_S3PROXY = quiet("org.gaul");

    static Logger quiet(String name) {
        Logger l = Logger.getLogger(name);
        l.setLevel(Level.WARNING);
        return l;
    }

    @TempDir Path spool;
    @TempDir Path target;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** One sealed segment per hour from T0. */
    List<SealedSegment> seal(String stream, int segments) throws Exception {
        try (Spool s = Spool.open(SpoolConfig.builder(spool).shardsPerStream(1).quality(1).build())) {
            StreamWriter w = s.writer(stream);
            for (int i = 0; i < segments; i++) {
                Series series = Series.of("m", Labels.of("i", Integer.toString(i)));
                for (int r = 0; r < 50; r++) w.append(series, T0 + i * HOUR + r * 1000L, r);
                w.seal();
            }
        }
        return Scanner.of(spool).segments(ScanQuery.builder().stream(stream).build());
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void uploadOnceToADirectoryExitsZeroAndMovesTheFiles() throws Exception {
        List<SealedSegment> segs = seal("cost", 3);
        Run r = run("upload", spool.toString(), "--dest", target.toUri().toString(), "--once");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("uploaded 3 files"), r.out());
        List<String> expected = segs.stream().map(s -> "cost/" + s.name().partition() + "/" + s.name().fileName()).sorted().toList();
        assertEquals(expected, files(target));
        assertEquals(List.of(), files(spool.resolve("sealed")));
        assertEquals(3, files(spool.resolve("uploaded")).size());
    }

    @Test
    void uploadOnceExitsNonZeroWithASummaryAndLeavesFilesWhenTheDestinationIsDown() throws Exception {
        List<SealedSegment> segs = seal("cost", 2);
        System.setProperty("aws.accessKeyId", "test-access");
        System.setProperty("aws.secretAccessKey", "test-secret");
        try {
            Run r = run("upload", spool.toString(), "--dest", "s3://bucket/prefix", "--endpoint", "http://127.0.0.1:" + closedPort(),
                    "--path-style", "--region", "us-east-1", "--max-attempts", "1", "--once");
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("NOT UPLOADED: 2 failed"), r.out());
            assertTrue(r.out().contains("cannot reach S3"), r.out());
            for (SealedSegment s : segs) assertTrue(r.out().contains(s.name().fileName()), r.out());
            for (SealedSegment s : segs) assertTrue(Files.exists(s.path()), "stays in place");
            assertFalse(r.out().contains("test-secret") || r.err().contains("test-secret"));
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void uploadToS3WithEndpointPathStyleAndCredentialsFromTheDefaultChain() throws Exception {
        List<SealedSegment> segs = seal("observability", 2);
        S3Proxy proxy = S3Proxy.builder().blobStore(new TransientNio2BlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, "cli-access", "cli-secret").build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) Thread.sleep(5);
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        System.setProperty("aws.accessKeyId", "cli-access");
        System.setProperty("aws.secretAccessKey", "cli-secret");
        try (S3Client client = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(endpoint)
                .forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("cli-access", "cli-secret"))).build()) {
            client.createBucket(b -> b.bucket("cli-bucket"));
            Run r = run("upload", spool.toString(), "--dest", "s3://cli-bucket/edge/box-1", "--endpoint", endpoint.toString(),
                    "--path-style", "--region", "us-east-1", "--once");
            assertEquals(0, r.code(), r.out() + r.err());
            List<String> keys = client.listObjectsV2Paginator(b -> b.bucket("cli-bucket")).contents().stream()
                    .map(S3Object::key).sorted().toList();
            List<String> expected = segs.stream()
                    .map(s -> "edge/box-1/observability/" + s.name().partition() + "/" + s.name().fileName()).sorted().toList();
            assertEquals(expected, keys);
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            proxy.stop();
        }
    }

    @Test
    void dryRunSendsNothingAndSaysSo() throws Exception {
        List<SealedSegment> segs = seal("cost", 2);
        Run r = run("upload", spool.toString(), "--dest", target.toUri().toString(), "--once", "--dry-run");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("dry run: 2 files would go to"), r.out());
        assertEquals(List.of(), files(target));
        for (SealedSegment s : segs) assertTrue(Files.exists(s.path()));
        Run log = run("uploads", spool.toString(), "--status", "skipped");
        assertTrue(log.out().contains("2 of 2 matching attempts shown"), log.out());
    }

    @Test
    void uploadsQueriesTheLogByStatusTimeAndLimit() throws Exception {
        seal("cost", 3);
        assertEquals(0, run("upload", spool.toString(), "--dest", target.toUri().toString(), "--once").code());

        Run last2 = run("uploads", spool.toString(), "--status", "success", "--limit", "2");
        assertEquals(0, last2.code(), last2.err());
        assertTrue(last2.out().contains("2 of 3 matching attempts shown"), last2.out());
        assertEquals(2, last2.out().lines().filter(l -> l.contains(" success ")).count(), last2.out());

        Run none = run("uploads", spool.toString(), "--status", "failed");
        assertTrue(none.out().contains("0 of 0 matching"), none.out());
        Run future = run("uploads", spool.toString(), "--since", "2999-01-01");
        assertTrue(future.out().contains("0 of 0 matching"), future.out());

        Run json = run("uploads", spool.toString(), "--json", "--limit", "0");
        List<String> lines = json.out().lines().toList();
        assertEquals(3, lines.size(), json.out());
        ObjectMapper m = new ObjectMapper();
        for (String l : lines) {
            JsonNode n = m.readTree(l);
            assertEquals("success", n.get("status").asText());
            assertTrue(n.get("key").asText().startsWith("cost/dt=2025-11-22/"));
            assertFalse(n.get("dry_run").asBoolean());
        }

        Run bad = run("uploads", spool.toString(), "--status", "nope");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("success, failed or skipped"), bad.err());
    }

    @Test
    void replayUploadsAgainWhatIsKeptForAStreamAndTimeRange() throws Exception {
        List<SealedSegment> segs = seal("cost", 4);
        seal("other", 1);
        assertEquals(0, run("upload", spool.toString(), "--dest", target.toUri().toString(), "--once").code());
        Path again = target.resolve("again");
        Run r = run("replay", spool.toString(), "--stream", "cost", "--from", "2025-11-22T02:00:00Z", "--to", "2025-11-22T04:00:00Z",
                "--dest", again.toUri().toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("uploaded 2 files"), r.out());
        assertEquals(List.of(segs.get(1), segs.get(2)).stream()
                .map(s -> "cost/" + s.name().partition() + "/" + s.name().fileName()).sorted().toList(), files(again));
        assertEquals(5, files(spool.resolve("uploaded")).size(), "files stay in uploaded/");
    }

    @Test
    void withoutOnceItKeepsWatchingAndStopsCleanlyOnSigterm() throws Exception {
        seal("cost", 1);
        Path log = target.resolveSibling(target.getFileName() + "-child.log");
        Process child = ChildJvm.start(Main.class, List.of(), log, "upload", spool.toString(), "--dest", target.toUri().toString());
        try {
            awaitFiles(target, 1, Duration.ofSeconds(60), child, log);
            seal("cost", 2); // one more segment (the spool seals hour 0 again and hour 1)
            awaitFiles(target, 3, Duration.ofSeconds(60), child, log);
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "stopped");
            assertEquals(0, child.exitValue(), Files.readString(log));
            assertTrue(Files.readString(log).contains("stopping"), Files.readString(log));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void anUnknownDestinationSaysWhatIsAllowed() throws Exception {
        seal("cost", 1);
        Run r = run("upload", spool.toString(), "--dest", "ftp://host/x", "--once");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("s3://BUCKET/PREFIX"), r.err());
    }
}
