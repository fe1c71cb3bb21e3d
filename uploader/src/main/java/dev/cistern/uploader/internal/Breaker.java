package dev.cistern.uploader.internal;

import dev.cistern.uploader.BreakerState;
import dev.cistern.uploader.UploadPolicy;
import dev.failsafe.CircuitBreaker;
import java.time.Duration;
import java.util.logging.Logger;

/** The destination's circuit breaker: built from the policy, its changes reported and logged. */
final class Breaker {
    private static final Logger LOG = Logger.getLogger(Breaker.class.getName());

    private final UploadContext ctx;
    private final CircuitBreaker<Object> breaker;

    Breaker(UploadContext ctx) {
        this.ctx = ctx;
        UploadPolicy policy = ctx.policy();
        this.breaker = CircuitBreaker.builder()
                .handleIf(Failures::countsAgainstDestination)
                .withFailureRateThreshold(policy.breakerFailureRate(), policy.breakerMinAttempts(), policy.breakerWindow())
                .withDelay(policy.breakerDelay())
                .withSuccessThreshold(1)
                .onOpen(e -> changed(BreakerState.OPEN))
                .onHalfOpen(e -> changed(BreakerState.HALF_OPEN))
                .onClose(e -> changed(BreakerState.CLOSED))
                .build();
    }

    CircuitBreaker<Object> policy() {
        return breaker;
    }

    /** Open and still within its delay. Once the delay is over the breaker half-opens on the next attempt. */
    boolean blocked() {
        return breaker.isOpen() && !breaker.getRemainingDelay().isZero();
    }

    boolean halfOpen() {
        return breaker.isHalfOpen();
    }

    Duration remainingDelay() {
        return breaker.getRemainingDelay();
    }

    private void changed(BreakerState state) {
        ctx.telemetry().breakerChanged(state);
        String destination = ctx.destinationName();
        switch (state) {
            case OPEN -> LOG.warning(() -> "circuit breaker for " + destination + " is OPEN: " + breaker.getFailureRate()
                    + "% of the last " + breaker.getExecutionCount() + " attempts failed; no attempts for "
                    + ctx.policy().breakerDelay().toSeconds() + "s, the spool keeps buffering");
            case HALF_OPEN -> LOG.info(() -> "circuit breaker for " + destination + " is HALF_OPEN: probing");
            case CLOSED -> LOG.info(() -> "circuit breaker for " + destination + " is CLOSED: uploads flow again");
        }
    }
}
