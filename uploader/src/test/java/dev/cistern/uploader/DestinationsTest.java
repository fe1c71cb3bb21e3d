package dev.cistern.uploader;

import static org.junit.jupiter.api.Assertions.*;

import dev.cistern.uploader.directory.DirectoryDestination;
import dev.cistern.uploader.presigned.PresignedDestination;
import dev.cistern.uploader.s3.S3Destination;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DestinationsTest {
    @TempDir Path dir;

    @Test
    void s3UriGivesBucketAndPrefix() throws Exception {
        try (Destination d = Destinations.fromUri("s3://my-bucket/some/prefix/",
                new Destinations.Options().endpoint(URI.create("http://127.0.0.1:9")).pathStyle(true).region("eu-west-1"))) {
            S3Destination s3 = assertInstanceOf(S3Destination.class, d);
            assertEquals("my-bucket", s3.bucket());
            assertEquals("some/prefix", s3.prefix());
            assertEquals("s3://my-bucket/some/prefix", d.name());
        }
    }

    @Test
    void presignedAndFileUris() throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "secret");
        Destination p = Destinations.fromUri("presigned+https://alloc.example.com/v1/allocate?token=x",
                new Destinations.Options().apiKeyFile(key));
        assertInstanceOf(PresignedDestination.class, p);
        assertEquals("presigned+https://alloc.example.com/v1/allocate", p.name(), "no query string in the name");
        Destination f = Destinations.fromUri(dir.toUri().toString(), new Destinations.Options());
        assertEquals(dir.toAbsolutePath().normalize(), assertInstanceOf(DirectoryDestination.class, f).root());
    }

    @Test
    void unknownSchemesSayWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Destinations.fromUri("ftp://x/y", new Destinations.Options()));
        assertTrue(e.getMessage().contains("s3://BUCKET/PREFIX"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Destinations.fromUri("s3:///prefix", new Destinations.Options()));
    }
}
