package dev.cistern.uploader;

import java.time.Duration;
import java.util.Objects;

/**
 * How the uploader behaves: concurrency, timeouts, retry, circuit breaker, quarantine and what
 * to do after a successful upload. Immutable; defaults are in {@link #DEFAULT} and in
 * docs/uploader.md.
 */
public final class UploadPolicy {
    public static final UploadPolicy DEFAULT = builder().build();

    private final int concurrency;
    private final Duration attemptTimeout;
    private final long minBytesPerSecond;
    private final int maxAttempts;
    private final Duration backoffDelay;
    private final Duration backoffMaxDelay;
    private final double jitter;
    private final int breakerFailureRate;
    private final int breakerMinAttempts;
    private final Duration breakerWindow;
    private final Duration breakerDelay;
    private final int permanentFailureLimit;
    private final Duration permanentRetryDelay;
    private final Duration scanInterval;
    private final AfterUpload afterUpload;
    private final boolean dryRun;

    private UploadPolicy(Builder b) {
        this.concurrency = b.concurrency;
        this.attemptTimeout = b.attemptTimeout;
        this.minBytesPerSecond = b.minBytesPerSecond;
        this.maxAttempts = b.maxAttempts;
        this.backoffDelay = b.backoffDelay;
        this.backoffMaxDelay = b.backoffMaxDelay;
        this.jitter = b.jitter;
        this.breakerFailureRate = b.breakerFailureRate;
        this.breakerMinAttempts = b.breakerMinAttempts;
        this.breakerWindow = b.breakerWindow;
        this.breakerDelay = b.breakerDelay;
        this.permanentFailureLimit = b.permanentFailureLimit;
        this.permanentRetryDelay = b.permanentRetryDelay;
        this.scanInterval = b.scanInterval;
        this.afterUpload = b.afterUpload;
        this.dryRun = b.dryRun;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.concurrency = concurrency;
        b.attemptTimeout = attemptTimeout;
        b.minBytesPerSecond = minBytesPerSecond;
        b.maxAttempts = maxAttempts;
        b.backoffDelay = backoffDelay;
        b.backoffMaxDelay = backoffMaxDelay;
        b.jitter = jitter;
        b.breakerFailureRate = breakerFailureRate;
        b.breakerMinAttempts = breakerMinAttempts;
        b.breakerWindow = breakerWindow;
        b.breakerDelay = breakerDelay;
        b.permanentFailureLimit = permanentFailureLimit;
        b.permanentRetryDelay = permanentRetryDelay;
        b.scanInterval = scanInterval;
        b.afterUpload = afterUpload;
        b.dryRun = dryRun;
        return b;
    }

    /** Files uploaded at once. */
    public int concurrency() { return concurrency; }
    /** Time allowed for one attempt at a small file (one request). */
    public Duration attemptTimeout() { return attemptTimeout; }
    /** Slowest transfer still accepted: a file of n bytes gets {@code attemptTimeout + n / minBytesPerSecond}. */
    public long minBytesPerSecond() { return minBytesPerSecond; }
    /** Attempts per file in one go, the first included. */
    public int maxAttempts() { return maxAttempts; }
    public Duration backoffDelay() { return backoffDelay; }
    public Duration backoffMaxDelay() { return backoffMaxDelay; }
    /** Random spread of each backoff delay, as a fraction of it (0.25 = plus or minus 25%). */
    public double jitter() { return jitter; }
    /** The breaker opens when at least this percentage of attempts failed... */
    public int breakerFailureRate() { return breakerFailureRate; }
    /** ...among at least this many attempts... */
    public int breakerMinAttempts() { return breakerMinAttempts; }
    /** ...within this window. */
    public Duration breakerWindow() { return breakerWindow; }
    /** How long the breaker stays open before it lets one probe through (half-open). */
    public Duration breakerDelay() { return breakerDelay; }
    /** Permanent failures of one file before it moves to quarantine. */
    public int permanentFailureLimit() { return permanentFailureLimit; }
    /** While running continuously, how long a file that failed permanently waits before its next try. */
    public Duration permanentRetryDelay() { return permanentRetryDelay; }
    /** While running continuously, how often sealed/ is rescanned (a wake-up also starts a scan). */
    public Duration scanInterval() { return scanInterval; }
    public AfterUpload afterUpload() { return afterUpload; }
    /** Does everything except the upload itself, and logs {@code skipped}. */
    public boolean dryRun() { return dryRun; }

    /** The time one attempt at a file of this size may take. */
    public Duration timeoutFor(long bytes) {
        return attemptTimeout.plusMillis(Math.max(0, bytes) * 1000 / minBytesPerSecond);
    }

    @Override
    public String toString() {
        return "concurrency=" + concurrency + " attempt-timeout=" + attemptTimeout + " min-bytes-per-second=" + minBytesPerSecond
                + " max-attempts=" + maxAttempts + " backoff=" + backoffDelay + ".." + backoffMaxDelay + " jitter=" + jitter
                + " breaker=" + breakerFailureRate + "% of >=" + breakerMinAttempts + " in " + breakerWindow + ", open " + breakerDelay
                + " permanent-failure-limit=" + permanentFailureLimit + " after-upload=" + afterUpload.name().toLowerCase()
                + (dryRun ? " dry-run" : "");
    }

    public static final class Builder {
        private int concurrency = 4;
        private Duration attemptTimeout = Duration.ofSeconds(30);
        private long minBytesPerSecond = 256 * 1024;
        private int maxAttempts = 5;
        private Duration backoffDelay = Duration.ofMillis(250);
        private Duration backoffMaxDelay = Duration.ofSeconds(60);
        private double jitter = 0.25;
        private int breakerFailureRate = 50;
        private int breakerMinAttempts = 10;
        private Duration breakerWindow = Duration.ofMinutes(1);
        private Duration breakerDelay = Duration.ofSeconds(30);
        private int permanentFailureLimit = 3;
        private Duration permanentRetryDelay = Duration.ofMinutes(5);
        private Duration scanInterval = Duration.ofSeconds(5);
        private AfterUpload afterUpload = AfterUpload.MOVE;
        private boolean dryRun;

        private Builder() {}

        public Builder concurrency(int n) {
            if (n < 1 || n > 256) throw new IllegalArgumentException("concurrency must be 1-256, was " + n);
            this.concurrency = n;
            return this;
        }

        public Builder attemptTimeout(Duration d) {
            this.attemptTimeout = positive(d, "attempt timeout");
            return this;
        }

        public Builder minBytesPerSecond(long rate) {
            if (rate < 1) throw new IllegalArgumentException("min bytes per second must be at least 1, was " + rate);
            this.minBytesPerSecond = rate;
            return this;
        }

        public Builder maxAttempts(int n) {
            if (n < 1) throw new IllegalArgumentException("max attempts must be at least 1, was " + n);
            this.maxAttempts = n;
            return this;
        }

        public Builder backoff(Duration delay, Duration maxDelay) {
            positive(delay, "backoff delay");
            positive(maxDelay, "backoff max delay");
            if (maxDelay.compareTo(delay) < 0) {
                throw new IllegalArgumentException("backoff max delay " + maxDelay + " is shorter than the delay " + delay);
            }
            this.backoffDelay = delay;
            this.backoffMaxDelay = maxDelay;
            return this;
        }

        public Builder jitter(double fraction) {
            if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException("jitter must be 0-1, was " + fraction);
            this.jitter = fraction;
            return this;
        }

        /** The breaker opens when {@code percent}% of at least {@code minAttempts} attempts within {@code window} failed. */
        public Builder breaker(int percent, int minAttempts, Duration window, Duration openFor) {
            if (percent < 1 || percent > 100) throw new IllegalArgumentException("breaker failure rate must be 1-100%, was " + percent);
            if (minAttempts < 1) throw new IllegalArgumentException("breaker min attempts must be at least 1, was " + minAttempts);
            this.breakerFailureRate = percent;
            this.breakerMinAttempts = minAttempts;
            this.breakerWindow = positive(window, "breaker window");
            this.breakerDelay = positive(openFor, "breaker delay");
            return this;
        }

        public Builder permanentFailureLimit(int n) {
            if (n < 1) throw new IllegalArgumentException("permanent failure limit must be at least 1, was " + n);
            this.permanentFailureLimit = n;
            return this;
        }

        public Builder permanentRetryDelay(Duration d) {
            this.permanentRetryDelay = Objects.requireNonNull(d, "permanent retry delay");
            return this;
        }

        public Builder scanInterval(Duration d) {
            this.scanInterval = positive(d, "scan interval");
            return this;
        }

        public Builder afterUpload(AfterUpload a) {
            this.afterUpload = Objects.requireNonNull(a, "after upload");
            return this;
        }

        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        public UploadPolicy build() {
            return new UploadPolicy(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive, was " + d);
            return d;
        }
    }
}
