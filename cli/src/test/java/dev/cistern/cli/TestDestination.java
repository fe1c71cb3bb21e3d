package dev.cistern.cli;

import dev.cistern.uploader.testing.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Logger;

/** Where a test agent uploads: a directory (file:) or a bucket of S3Proxy in this JVM (s3:). */
abstract class TestDestination implements AutoCloseable {
    /** The {@code upload:} section of the agent's YAML, with these extra lines (indented two spaces) in it. */
    abstract String uploadYaml(String extra);

    /** Environment the agent needs (credentials). */
    Map<String, String> env() {
        return Map.of();
    }

    /** Adds what arrived here to {@code d}. */
    abstract void collect(Delivered d) throws IOException;

    /** Files (objects) that arrived. */
    abstract int count() throws IOException;

    @Override
    public void close() throws Exception {}

    static TestDestination of(String kind, Path dir) throws Exception {
        return switch (kind) {
            case "dir" -> new Directory(dir.resolve("outbox"));
            case "s3" -> new Bucket(dir.resolve("s3-scratch"));
            default -> throw new IllegalArgumentException("destination kind dir or s3, not " + kind);
        };
    }

    static final class Directory extends TestDestination {
        private final Path outbox;

        Directory(Path outbox) {
            this.outbox = outbox;
        }

        Path path() { return outbox; }

        @Override
        String uploadYaml(String extra) {
            return "upload:\n  to: \"file:" + outbox + "\"\n" + extra;
        }

        @Override
        void collect(Delivered d) throws IOException {
            d.dir(outbox);
        }

        @Override
        int count() throws IOException {
            return new Delivered().dir(outbox).files();
        }

        /** Uploads fail from now on: a file stands where the directory should be. */
        void breakIt() throws IOException {
            if (Files.isDirectory(outbox)) Files.move(outbox, outbox.resolveSibling("outbox-before"));
            Files.writeString(outbox, "a file where the destination directory should be: every upload fails");
        }

        /** Uploads work again; what arrived before the break is put back. */
        void repair() throws IOException {
            Files.deleteIfExists(outbox);
            Path before = outbox.resolveSibling("outbox-before");
            if (Files.isDirectory(before)) Files.move(before, outbox);
            else Files.createDirectories(outbox);
        }
    }

    static final class Bucket extends TestDestination {
        /** S3Proxy and Jetty log through SLF4J to java.util.logging: warnings only. */
        private static final Logger QUIET_S3PROXY = UploadCommandsTest.quiet("org.gaul");
        private final S3Server s3;
        private final String bucket;
        private final Path scratch;

        Bucket(Path scratch) throws Exception {
            this.s3 = S3Server.inMemory();
            this.bucket = s3.newBucket();
            this.scratch = scratch;
        }

        @Override
        String uploadYaml(String extra) {
            return "upload:\n  to: \"s3://" + bucket + "/edge\"\n  s3:\n    endpoint: \"" + s3.endpoint()
                    + "\"\n    region: us-east-1\n    path_style: true\n" + extra;
        }

        @Override
        Map<String, String> env() {
            return Map.of("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
        }

        @Override
        void collect(Delivered d) throws IOException {
            d.bucket(s3, bucket, scratch);
        }

        @Override
        int count() {
            return s3.keys(bucket).size();
        }

        @Override
        public void close() throws Exception {
            s3.close();
        }
    }
}
