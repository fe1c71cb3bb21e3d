package dev.cistern.uploader.testing;

import dev.cistern.uploader.UploadSummary;
import dev.cistern.uploader.Uploader;
import dev.cistern.uploader.s3.S3Destination;
import java.net.URI;
import java.nio.file.Path;

/**
 * A child process that uploads a spool to S3 once and exits: 0 when everything went up.
 * Args: spool-dir endpoint bucket [multipart-threshold-bytes].
 */
public final class UploadChild {
    public static void main(String[] args) throws Exception {
        S3Destination.Builder d = S3Destination.builder(args[2]).prefix("crash").endpoint(URI.create(args[1]))
                .pathStyle(true).region("us-east-1").credentials(S3Server.credentials());
        if (args.length > 3) d.multipartThreshold(Long.parseLong(args[3])).partSize(Long.parseLong(args[3]));
        try (Uploader u = Uploader.builder(Path.of(args[0]), d.build()).policy(Policies.fast().concurrency(2).build()).build()) {
            UploadSummary s = u.runOnce();
            System.out.println("summary " + s);
            System.exit(s.allUploaded() ? 0 : 1);
        }
    }
}
