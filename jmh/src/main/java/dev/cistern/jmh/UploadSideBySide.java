package dev.cistern.jmh;

import dev.cistern.cli.bench.IngestBench;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The uploader and the plain putObject loop side by side in one JVM, alternating round by round
 * (ABBA order) so that whatever else the machine does hits both alike. Prints each round, then as
 * its last line one JSON object with the median throughputs, their ratio, and the median of the
 * per-round ratios (each round's pair ran back to back, so this one is the least disturbed by a
 * busy machine), and the CPU time each spends per MiB (the S3 server runs in this JVM, so on a
 * machine shared with other work, CPU per MiB is the steadiest measure of overhead;
 * {@code cpu_ratio} = plain / uploader, 1.0 meaning no overhead).
 *
 * <pre>java -Xmx2g -cp jmh/target/benchmarks.jar dev.cistern.jmh.UploadSideBySide [concurrency files fileMiB rounds]</pre>
 */
public final class UploadSideBySide {
    public static void main(String[] args) throws Exception {
        int concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int fileMiB = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int warmup = 4;
        List<Double> uploader = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        List<Double> pairs = new ArrayList<>();
        List<Double> uploaderCpu = new ArrayList<>();
        List<Double> plainCpu = new ArrayList<>();
        try (UploadBenchFixture f = new UploadBenchFixture(concurrency, files, fileMiB)) {
            double mib = f.bytes() / 1048576.0;
            for (int r = 0; r < warmup + rounds; r++) {
                boolean uploaderFirst = r % 4 == 0 || r % 4 == 3;
                double a = 0, b = 0, ca = 0, cb = 0;
                for (int k = 0; k < 2; k++) {
                    f.refill();
                    System.gc();
                    long cpu0 = IngestBench.processCpuNanos();
                    long t0 = System.nanoTime();
                    if ((k == 0) == uploaderFirst) f.runUploader();
                    else f.runPlainLoop();
                    double secs = (System.nanoTime() - t0) / 1e9;
                    double cpu = (IngestBench.processCpuNanos() - cpu0) / 1e9;
                    if ((k == 0) == uploaderFirst) {
                        a = secs;
                        ca = cpu;
                    } else {
                        b = secs;
                        cb = cpu;
                    }
                }
                boolean measured = r >= warmup;
                if (measured) {
                    uploader.add(mib / a);
                    plain.add(mib / b);
                    pairs.add(b / a); // this round's uploader speed over the plain loop's
                    uploaderCpu.add(ca * 1000 / mib);
                    plainCpu.add(cb * 1000 / mib);
                }
                System.out.printf(Locale.ROOT, "%s round %2d: uploader %7.1f MiB/s %5.2f cpu-ms/MiB,"
                                + " plain loop %7.1f MiB/s %5.2f cpu-ms/MiB (uploader retries so far: %d)%n",
                        measured ? "measure" : "warmup ", r, mib / a, ca * 1000 / mib, mib / b, cb * 1000 / mib, f.uploaderRetries());
            }
        }
        double mu = median(uploader);
        double mp = median(plain);
        System.out.printf(Locale.ROOT, "{\"concurrency\":%d,\"files\":%d,\"file_mib\":%d,\"rounds\":%d,"
                        + "\"uploader_mib_s\":%.1f,\"plain_loop_mib_s\":%.1f,\"ratio_of_medians\":%.3f,\"median_round_ratio\":%.3f,"
                        + "\"uploader_cpu_ms_per_mib\":%.3f,\"plain_loop_cpu_ms_per_mib\":%.3f,\"cpu_ratio\":%.3f}%n",
                concurrency, files, fileMiB, rounds, mu, mp, mu / mp, median(pairs),
                median(uploaderCpu), median(plainCpu), median(plainCpu) / median(uploaderCpu));
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
