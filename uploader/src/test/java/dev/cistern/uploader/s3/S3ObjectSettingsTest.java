package dev.cistern.uploader.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.cistern.spool.SealedSegment;
import dev.cistern.uploader.UploadSummary;
import dev.cistern.uploader.Uploader;
import dev.cistern.uploader.testing.FaultyProxy;
import dev.cistern.uploader.testing.Policies;
import dev.cistern.uploader.testing.S3Server;
import dev.cistern.uploader.testing.TestSpools;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Issue 16, 3: storage class, server-side encryption (SSE-S3, SSE-KMS with a key id), object tags and
 * an assumed role reach S3. S3Proxy keeps the storage class; what it does not implement (encryption,
 * tags, session tokens) is checked on the wire; the role is assumed from a local STS endpoint.
 */
class S3ObjectSettingsTest {
    static S3Server s3;
    @TempDir Path spool;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3Server.inMemory();
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @Test
    void s3ProxyKeepsTheStorageClass() throws Exception {
        String bucket = s3.newBucket();
        SealedSegment s = TestSpools.seal(spool, "metrics", 1, 50).get(0);
        S3Destination d = S3Destination.builder(bucket).endpoint(s3.endpoint()).pathStyle(true).region("us-east-1")
                .credentials(S3Server.credentials()).objects(new ObjectSettings("STANDARD_IA", null, null, null)).build();
        try (Uploader u = Uploader.builder(spool, d).policy(Policies.fast().build()).build()) {
            assertEquals(1, u.runOnce().uploaded());
        }
        HeadObjectResponse head = s3.client().headObject(b -> b.bucket(bucket).key(d.keyFor(s.name())));
        assertEquals("STANDARD_IA", head.storageClassAsString(), head.toString());
    }

    /** S3Proxy answers 501 to encryption and tagging headers, so these are checked on the wire, with S3's 200 played back. */
    @Test
    void encryptionAndTagsAreSentWithEveryObject() throws Exception {
        TestSpools.seal(spool, "metrics", 1, 50);
        ObjectSettings settings = new ObjectSettings("STANDARD_IA", "aws:kms", "alias/cistern", Map.of("team", "obs", "env", "prod x"));
        try (FaultyProxy wire = new FaultyProxy(s3.port())) {
            wire.answer(200, "");
            S3Destination d = S3Destination.builder("bucket").endpoint(URI.create(wire.endpoint())).pathStyle(true).region("us-east-1")
                    .credentials(S3Server.credentials()).objects(settings).build();
            try (Uploader u = Uploader.builder(spool, d).policy(Policies.fast().build()).build()) {
                UploadSummary sum = u.runOnce();
                assertEquals(1, sum.uploaded(), sum.toString() + " " + wire.heads());
            }
            String put = wire.heads().stream().filter(h -> h.startsWith("PUT ")).findFirst().orElseThrow();
            assertEquals("STANDARD_IA", FaultyProxy.header(put, "x-amz-storage-class"), put);
            assertEquals("aws:kms", FaultyProxy.header(put, "x-amz-server-side-encryption"), put);
            assertEquals("alias/cistern", FaultyProxy.header(put, "x-amz-server-side-encryption-aws-kms-key-id"), put);
            assertEquals("env=prod%20x&team=obs", FaultyProxy.header(put, "x-amz-tagging"), put);
        }
    }

    @Test
    void badSettingsAreRefusedWithWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ObjectSettings("CHEAP", null, null, null));
        assertTrue(e.getMessage().contains("STANDARD_IA"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ObjectSettings(null, "rot13", null, null));
        assertThrows(IllegalArgumentException.class, () -> new ObjectSettings(null, "AES256", "key", null));
        assertThrows(IllegalArgumentException.class, () -> new AssumedRole("role/x", null, null, null));
    }

    @Test
    void uploadsAsTheAssumedRole() throws Exception {
        AtomicInteger assumed = new AtomicInteger();
        HttpServer sts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sts.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!body.contains("Action=AssumeRole") || !body.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fuploader")) {
                ex.sendResponseHeaders(400, -1);
                return;
            }
            assumed.incrementAndGet();
            byte[] xml = ("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>"
                    + "<AccessKeyId>" + S3Server.ACCESS_KEY + "</AccessKeyId><SecretAccessKey>" + S3Server.SECRET_KEY
                    + "</SecretAccessKey><SessionToken>session</SessionToken><Expiration>" + Instant.now().plusSeconds(3600)
                    + "</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:cistern</AssumedRoleId>"
                    + "<Arn>arn:aws:sts::123456789012:assumed-role/uploader/cistern</Arn></AssumedRoleUser></AssumeRoleResult>"
                    + "</AssumeRoleResponse>").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/xml");
            ex.sendResponseHeaders(200, xml.length);
            ex.getResponseBody().write(xml);
            ex.close();
        });
        sts.start();
        try {
            String bucket = s3.newBucket();
            TestSpools.seal(spool, "metrics", 1, 50);
            // base credentials that S3Proxy would refuse: only the role's keys are let in
            var base = StaticCredentialsProvider.create(AwsBasicCredentials.create("base-key", "base-secret"));
            AssumedRole role = new AssumedRole("arn:aws:iam::123456789012:role/uploader", null, null,
                    URI.create("http://127.0.0.1:" + sts.getAddress().getPort()));
            // S3Proxy refuses session tokens (501), so the PUT is checked on the wire: signed with the role's keys
            try (FaultyProxy wire = new FaultyProxy(s3.port())) {
                wire.answer(200, "");
                S3Destination d = S3Destination.builder(bucket).endpoint(URI.create(wire.endpoint())).pathStyle(true)
                        .region("us-east-1").credentials(base).assumeRole(role).build();
                try (Uploader u = Uploader.builder(spool, d).policy(Policies.fast().build()).build()) {
                    UploadSummary sum = u.runOnce();
                    assertEquals(1, sum.uploaded(), sum.toString());
                }
                String put = wire.heads().stream().filter(h -> h.startsWith("PUT ")).findFirst().orElseThrow();
                assertTrue(FaultyProxy.header(put, "Authorization").contains("Credential=" + S3Server.ACCESS_KEY + "/"), put);
                assertEquals("session", FaultyProxy.header(put, "x-amz-security-token"), put);
            }
            assertTrue(assumed.get() >= 1, "the role was never assumed");
        } finally {
            sts.stop(0);
        }
    }
}
