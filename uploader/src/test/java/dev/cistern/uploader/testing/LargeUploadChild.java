package dev.cistern.uploader.testing;

import dev.cistern.uploader.UploadSummary;
import dev.cistern.uploader.Uploader;
import dev.cistern.uploader.s3.S3Destination;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child JVM (run with a small -Xmx) that uploads a spool to S3 while sampling heap use, and
 * prints {@code peak-heap-bytes=N max-heap-bytes=M uploaded=K}. Args: spool-dir endpoint bucket
 * multipart-threshold-bytes.
 */
public final class LargeUploadChild {
    public static void main(String[] args) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long threshold = Long.parseLong(args[3]);
        S3Destination d = S3Destination.builder(args[2]).endpoint(URI.create(args[1])).pathStyle(true).region("us-east-1")
                .credentials(S3Server.credentials()).multipartThreshold(threshold).build();
        UploadSummary s;
        try (Uploader u = Uploader.builder(Path.of(args[0]), d).policy(Policies.fast().concurrency(1).build()).build()) {
            s = u.runOnce();
        }
        sampler.interrupt();
        System.out.println("peak-heap-bytes=" + peak.get() + " max-heap-bytes=" + memory.getHeapMemoryUsage().getMax()
                + " uploaded=" + s.uploaded() + " seconds=" + s.elapsed().toMillis() / 1000.0);
        System.exit(s.allUploaded() ? 0 : 1);
    }
}
