package dev.cistern.jmh;

import dev.cistern.uploader.UploadSummary;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The uploader against a plain loop of SDK putObject calls (see {@link UploadBenchFixture}); one
 * operation uploads every file once. JMH runs the two one after the other; on a busy machine
 * {@link UploadSideBySide} alternates them round by round instead.
 *
 * <pre>java -jar jmh/target/benchmarks.jar UploadBenchmark -p concurrency=4</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4)
@Measurement(iterations = 12)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class UploadBenchmark {
    @Param({"4"})
    public int concurrency;

    @Param({"32"})
    public int files;

    @Param({"4"})
    public int fileMiB;

    private UploadBenchFixture fixture;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new UploadBenchFixture(concurrency, files, fileMiB);
    }

    @Setup(Level.Invocation)
    public void refill() throws IOException {
        fixture.refill();
    }

    @Benchmark
    public UploadSummary cisternUploader() throws IOException {
        return fixture.runUploader();
    }

    @Benchmark
    public int plainPutObjectLoop() throws Exception {
        return fixture.runPlainLoop();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        fixture.close();
    }
}
