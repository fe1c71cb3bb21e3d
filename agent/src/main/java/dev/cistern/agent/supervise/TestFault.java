package dev.cistern.agent.supervise;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Test only: faults injected into the real agent process by the fault suite (cli {@code faults/*FaultTest}),
 * chosen with the system property {@code cistern.test.fault}, read here and nowhere else. Unset (always, outside
 * those tests) every call is one volatile-free comparison that does nothing.
 * <ul>
 *   <li>{@code lane-error-once}: the first entry an applier lane writes throws an {@link Error} once;</li>
 *   <li>{@code lane-error-always}: every entry an applier lane writes throws an {@link Error};</li>
 *   <li>{@code lane-link-error}: writing an entry throws {@link UnsatisfiedLinkError}, as a native codec that stopped loading;</li>
 *   <li>{@code lane-stall}: every applier lane blocks for good inside the first entry batch it writes (a hung disk, a stuck sealer);</li>
 *   <li>{@code loop-error-once}: the first request body an HTTP event loop reads throws an {@link Error} there, once;</li>
 *   <li>{@code reload-error-once}: the first reload throws an {@link Error} after it switched the routing (open segments
 *   sealed) and before the other live keys, once.</li>
 * </ul>
 */
public final class TestFault {
    private static final String FAULT = System.getProperty("cistern.test.fault", "");
    private static final AtomicBoolean FIRED = new AtomicBoolean();

    private TestFault() {}

    /** Called by an applier lane inside an entry's batch, where a real codec or disk fault would strike. */
    public static void inLaneBatch() {
        if (FAULT.isEmpty()) return;
        switch (FAULT) {
            case "lane-error-once" -> {
                if (FIRED.compareAndSet(false, true)) throw new AssertionError("cistern.test.fault=lane-error-once");
            }
            case "lane-error-always" -> throw new AssertionError("cistern.test.fault=lane-error-always");
            case "lane-link-error" -> throw new UnsatisfiedLinkError("cistern.test.fault=lane-link-error: no brotli in java.library.path");
            case "lane-stall" -> {
                while (true) LockSupport.park(); // never returns: only a bounded shutdown gets past it
            }
            default -> { }
        }
    }

    /** Called by an HTTP event loop as it reads a request body, before any worker sees the request. */
    public static void onEventLoop() {
        if (FAULT.isEmpty()) return;
        if (FAULT.equals("loop-error-once") && FIRED.compareAndSet(false, true)) {
            throw new AssertionError("cistern.test.fault=loop-error-once");
        }
    }

    /** Called by a reload between switching the routing and handing over the other live keys. */
    public static void whileReloading() {
        if (FAULT.equals("reload-error-once") && FIRED.compareAndSet(false, true)) {
            throw new AssertionError("cistern.test.fault=reload-error-once");
        }
    }
}
