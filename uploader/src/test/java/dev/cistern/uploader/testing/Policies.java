package dev.cistern.uploader.testing;

import dev.cistern.uploader.UploadPolicy;
import java.time.Duration;

/** Upload policies for tests: quick retries, a breaker that stays out of the way unless a test sets one. */
public final class Policies {
    private Policies() {}

    public static UploadPolicy.Builder fast() {
        return UploadPolicy.builder()
                .concurrency(2)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .attemptTimeout(Duration.ofSeconds(20))
                .breaker(100, 1000, Duration.ofMinutes(1), Duration.ofSeconds(1));
    }
}
