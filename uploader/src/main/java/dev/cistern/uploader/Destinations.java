package dev.cistern.uploader;

import dev.cistern.uploader.directory.DirectoryDestination;
import dev.cistern.uploader.presigned.PresignedDestination;
import dev.cistern.uploader.s3.AssumedRole;
import dev.cistern.uploader.s3.ObjectSettings;
import dev.cistern.uploader.s3.S3Destination;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Builds a destination from a URI, as written on the command line and in the config:
 * {@code s3://BUCKET/PREFIX}, {@code presigned+https://ALLOCATION-URL} or {@code file:///TARGET}.
 */
public final class Destinations {
    private Destinations() {}

    /** What a URI does not say: S3 endpoint, path style and region; the presigned API key; the key template. */
    public static final class Options {
        private URI endpoint;
        private boolean pathStyle;
        private String region;
        private Path apiKeyFile;
        private String apiKeyHeader = "X-Api-Key";
        private KeyTemplate keyTemplate = KeyTemplate.DEFAULT;
        private Long multipartThreshold;
        private Long partSize;
        private ObjectSettings objects = ObjectSettings.NONE;
        private AssumedRole role;

        public Options endpoint(URI endpoint) { this.endpoint = endpoint; return this; }
        public Options pathStyle(boolean pathStyle) { this.pathStyle = pathStyle; return this; }
        public Options region(String region) { this.region = region; return this; }
        public Options apiKeyFile(Path file) { this.apiKeyFile = file; return this; }
        public Options apiKeyHeader(String header) { this.apiKeyHeader = header; return this; }
        public Options keyTemplate(KeyTemplate template) { this.keyTemplate = template; return this; }
        public Options multipartThreshold(long bytes) { this.multipartThreshold = bytes; return this; }
        public Options partSize(long bytes) { this.partSize = bytes; return this; }
        public Options objects(ObjectSettings settings) { this.objects = settings; return this; }
        public Options assumeRole(AssumedRole r) { this.role = r; return this; }
    }

    public static Destination fromUri(String uri, Options o) {
        String s = uri.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("s3://")) return s3(s.substring(5), o);
        if (lower.startsWith("presigned+http://") || lower.startsWith("presigned+https://")) {
            PresignedDestination.Builder b = PresignedDestination.builder(parse(s.substring("presigned+".length()), uri))
                    .keyTemplate(o.keyTemplate).apiKeyHeader(o.apiKeyHeader);
            if (o.apiKeyFile != null) b.apiKeyFile(o.apiKeyFile);
            return b.build();
        }
        if (lower.startsWith("file:")) {
            URI u = parse(s, uri);
            Path target = u.isOpaque() ? Path.of(u.getSchemeSpecificPart()) : Path.of(u);
            return new DirectoryDestination(target, "", o.keyTemplate);
        }
        throw new IllegalArgumentException("unknown destination '" + uri
                + "': use s3://BUCKET/PREFIX, presigned+https://ALLOCATION-URL or file:///TARGET");
    }

    private static Destination s3(String rest, Options o) {
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) throw new IllegalArgumentException("s3:// destination needs a bucket: s3://BUCKET/PREFIX");
        S3Destination.Builder b = S3Destination.builder(bucket).prefix(prefix).keyTemplate(o.keyTemplate)
                .endpoint(o.endpoint).pathStyle(o.pathStyle).region(o.region).objects(o.objects).assumeRole(o.role);
        if (o.multipartThreshold != null) b.multipartThreshold(o.multipartThreshold);
        if (o.partSize != null) b.partSize(o.partSize);
        return b.build();
    }

    private static URI parse(String s, String original) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("destination '" + original + "' is not a valid URI: " + e.getMessage());
        }
    }
}
