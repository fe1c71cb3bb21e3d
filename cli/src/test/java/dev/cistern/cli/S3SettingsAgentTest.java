package dev.cistern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.agent.Agent;
import dev.cistern.agent.config.ConfigException;
import dev.cistern.agent.config.ConfigLoader;
import dev.cistern.uploader.testing.FaultyProxy;
import dev.cistern.uploader.testing.S3Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, 3: the agent's config binds the uploader's S3 settings (storage class, SSE-KMS with a key id,
 * tags, key template, part sizes) and they reach the wire; a bad one is refused naming its key.
 */
class S3SettingsAgentTest {
    @TempDir Path dir;

    private Path config(String s3Extra) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, """
                spool: {rotate_age: 1s}
                upload:
                  to: "s3://bucket/edge"
                  key_template: "{stream}/{date}/{file}"
                  scan_interval: 200ms
                  s3:
                    region: us-east-1
                    path_style: true
                """ + s3Extra);
        return f;
    }

    @Test
    void s3SettingsFromTheConfigReachTheWire() throws Exception {
        System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
        try (FaultyProxy wire = new FaultyProxy(S3Server.closedPort())) {
            wire.answer(200, "");
            Path f = config("    endpoint: \"" + wire.endpoint() + "\"\n    storage_class: STANDARD_IA\n    sse: aws:kms\n"
                    + "    sse_kms_key_id: alias/edge\n    tags: {site: berlin}\n    multipart_threshold: 8MiB\n    part_size: 5MiB\n");
            var cfg = ConfigLoader.load(f, Map.of(), Map.of("data_dir", dir.resolve("data").toString(), "listen", "127.0.0.1:0"));
            try (Agent agent = Agent.start(cfg)) {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(agent.url() + "/api/v1/ingest?stream=edge"))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"m\",\"value\":1}\n")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(204, r.statusCode(), r.body());
                String put = null;
                for (int i = 0; i < 300 && put == null; i++) {
                    Thread.sleep(100);
                    put = wire.heads().stream().filter(h -> h.startsWith("PUT ")).findFirst().orElse(null);
                }
                assertTrue(put != null, "nothing was uploaded: " + wire.heads());
                assertTrue(put.startsWith("PUT /bucket/edge/edge/"), put); // prefix, then the key template
                assertEquals("STANDARD_IA", FaultyProxy.header(put, "x-amz-storage-class"), put);
                assertEquals("aws:kms", FaultyProxy.header(put, "x-amz-server-side-encryption"), put);
                assertEquals("alias/edge", FaultyProxy.header(put, "x-amz-server-side-encryption-aws-kms-key-id"), put);
                assertEquals("site=berlin", FaultyProxy.header(put, "x-amz-tagging"), put);
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void aBadS3SettingNamesItsKey() throws Exception {
        Map<String, String> flags = Map.of("data_dir", dir.resolve("data").toString(), "listen", "127.0.0.1:0");
        for (String[] c : new String[][] {
            {"    storage_class: CHEAP\n", "upload.s3.storage_class"},
            {"    sse: rot13\n", "upload.s3.sse"},
            {"    part_size: 1MiB\n", "upload.s3.part_size"},
            {"    role_arn: uploader\n", "upload.s3.role_arn"},
            {"    sts_endpoint: nowhere\n    role_arn: arn:aws:iam::1:role/x\n", "upload.s3.sts_endpoint"}}) {
            Path f = config("    endpoint: \"http://127.0.0.1:1\"\n" + c[0]);
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, Map.of(), flags), c[0]);
            assertEquals(c[1], e.key(), e.getMessage());
        }
    }
}
