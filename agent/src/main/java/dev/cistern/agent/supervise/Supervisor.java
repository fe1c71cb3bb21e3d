package dev.cistern.agent.supervise;

import dev.cistern.agent.metrics.AgentMetrics;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The supervision rule (docs/architecture.md, "Supervision"): a thread whose death or stall means acknowledged data
 * will not be sealed reports every failure here and is told whether to restart (after a backoff) or to stop. While
 * any such thread cannot make progress, the agent does not acknowledge: ingest answers 503 with the {@link #cause},
 * {@code /healthz} and {@code /readyz} answer 503 naming it, it is logged once with its stack, and
 * {@code cistern_supervised_failures_total} and {@code cistern_acknowledging} say so on /metrics.
 *
 * <p>A {@link FailureKind#FATAL} failure (a native library, out of memory) stops acknowledging for good: only a restart
 * of the process can help. {@link #MAX_FAILURES} {@link FailureKind#UNEXPECTED} failures of one thread within
 * {@link #WINDOW_MILLIS} stop it until that thread makes progress again ({@link #progressed}); so does a stall.
 * I/O failures (a full disk) restart with backoff and never trip the rule: ingest already refuses for space.
 */
public final class Supervisor {
    private static final Logger LOG = Logger.getLogger(Supervisor.class.getName());
    static final int MAX_FAILURES = 5;
    static final long WINDOW_MILLIS = 60_000;
    private static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 10_000;

    /** Why a thread cannot make progress; {@code latched}: until the process restarts. */
    private record Trouble(String text, boolean latched) {}

    private final AgentMetrics metrics;
    private final Map<String, Deque<Long>> recent = new ConcurrentHashMap<>();
    private final Map<String, Trouble> troubles = new ConcurrentHashMap<>();
    private volatile String cause;

    public Supervisor(AgentMetrics metrics) {
        this.metrics = metrics;
        metrics.gauge("cistern.acknowledging", "1 while ingest acknowledges; 0 while a supervised thread cannot seal (see /healthz)",
                this, s -> s.acknowledging() ? 1 : 0);
    }

    /** {@code thread} is supervised: its counters are served at zero before any failure. */
    public void supervises(String thread) {
        for (FailureKind kind : FailureKind.values()) {
            count(thread, kind, kind == FailureKind.FATAL ? "stopped" : "restarted", 0);
        }
        count(thread, FailureKind.UNEXPECTED, "stalled", 0);
    }

    /** Whether to restart the failed thread's work, and after how long; {@code restart == false}: the thread ends. */
    public record Decision(boolean restart, long backoffMillis) {}

    /** A supervised thread ({@code thread}: its role, e.g. {@code apply-lane-0}) failed with {@code t}. */
    public Decision failed(String thread, Throwable t) {
        FailureKind kind = FailureKind.of(t);
        int inWindow = record(thread);
        boolean stop = kind == FailureKind.FATAL;
        count(thread, kind, stop ? "stopped" : "restarted");
        if (stop) {
            trouble(thread, new Trouble(thread + " failed with " + describe(t) + "; restart the agent once fixed", true), t);
            return new Decision(false, 0);
        }
        if (kind == FailureKind.UNEXPECTED && inWindow >= MAX_FAILURES) {
            trouble(thread, new Trouble(thread + " failed " + inWindow + " times in " + WINDOW_MILLIS / 1000 + " s, last with "
                    + describe(t), false), t);
        } else if (!troubles.containsKey(thread)) { // once it stopped acknowledging, its cause was logged with its stack
            LOG.log(Level.WARNING, thread + " failed (" + kind.label() + ", " + inWindow + " in the last " + WINDOW_MILLIS / 1000
                    + " s); restarting it from the journal's resume point", t);
        }
        long backoff = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(10, inWindow - 1));
        return new Decision(true, backoff);
    }

    /** {@code thread} has not made progress for a while ({@code why}); acknowledging stops until {@link #progressed}. */
    public void stalled(String thread, String why) {
        if (troubles.containsKey(thread)) return;
        count(thread, FailureKind.UNEXPECTED, "stalled");
        trouble(thread, new Trouble(thread + " is stalled: " + why, false), null);
    }

    /** {@code thread} made progress: a repeated failure or stall of it no longer stops acknowledging. Cheap when all is well. */
    public void progressed(String thread) {
        if (cause == null) return;
        Trouble t = troubles.get(thread);
        if (t == null || t.latched() || !troubles.remove(thread, t)) return;
        LOG.warning(thread + " makes progress again; acknowledging " + (refresh() == null ? "again" : "still stopped: " + cause));
    }

    /** Whether ingest may acknowledge: no supervised thread is known unable to seal. */
    public boolean acknowledging() {
        return cause == null;
    }

    /** Why the agent does not acknowledge, or null while it does. */
    public String cause() {
        return cause;
    }

    private void trouble(String thread, Trouble t, Throwable stack) {
        Trouble before = troubles.putIfAbsent(thread, t);
        if (before != null && (before.latched() || !t.latched())) return; // logged once, when it began
        if (before != null) troubles.put(thread, t);
        refresh();
        LOG.log(Level.SEVERE, "not acknowledging (ingest 503, /healthz 503): " + t.text(), stack);
    }

    private synchronized String refresh() {
        cause = troubles.isEmpty() ? null : String.join("; ", troubles.values().stream().map(Trouble::text).sorted().toList());
        return cause;
    }

    /** Notes a failure of {@code thread} now; returns how many fell in the window. */
    private int record(String thread) {
        Deque<Long> times = recent.computeIfAbsent(thread, k -> new ArrayDeque<>());
        long now = System.nanoTime();
        synchronized (times) {
            times.addLast(now);
            while (now - times.peekFirst() > TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS)) times.removeFirst();
            return times.size();
        }
    }

    private void count(String thread, FailureKind kind, String outcome) {
        count(thread, kind, outcome, 1);
    }

    private void count(String thread, FailureKind kind, String outcome, int n) {
        Counter.builder("cistern.supervised.failures").description("failures of supervised threads, by thread, kind and outcome")
                .tag("thread", thread).tag("kind", kind.label()).tag("outcome", outcome).register(metrics.registry()).increment(n);
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
