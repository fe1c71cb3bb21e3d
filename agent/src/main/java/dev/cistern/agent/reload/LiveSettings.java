package dev.cistern.agent.reload;

import dev.cistern.agent.apply.JournalApplier;
import dev.cistern.agent.config.ConfigChange;
import dev.cistern.agent.config.PaceSettings;
import dev.cistern.agent.config.ResolvedConfig;
import dev.cistern.agent.ingest.IngestEndpoints;
import dev.cistern.agent.routing.Router;
import dev.cistern.agent.supervise.TestFault;
import java.io.IOException;
import dev.cistern.spool.Retention;

/**
 * Hands the live part of a configuration ({@link ConfigChange#isLive}) to the parts that read it: the applier
 * (routing rules and static labels, see {@link JournalApplier#route}; which extra remote_write rows are kept), the
 * ingest endpoints (input rules, lag limit) and retention (limits, overflow policy). Each takes an immutable value
 * in one write; {@code shutdown.drain_timeout} is read from the config in force at the stop.
 */
public final class LiveSettings {
    private final IngestEndpoints ingest;
    private final JournalApplier applier;
    private final Retention retention;

    public LiveSettings(IngestEndpoints ingest, JournalApplier applier, Retention retention) {
        this.ingest = ingest;
        this.applier = applier;
        this.retention = retention;
    }

    /** Routing first: when it cannot switch (sealing failed), nothing of the reload is applied. */
    void apply(ConfigChange change) {
        ResolvedConfig c = change.applied();
        if (change.routing()) {
            try {
                applier.route(new Router(c.rules(), c.defaultStream()), c.staticLabels());
            } catch (IOException e) {
                throw new IllegalStateException("cannot seal the open segments before switching the routing: " + e.getMessage(), e);
            }
        }
        TestFault.whileReloading();
        ingest.live(new IngestEndpoints.Rules(c.remoteWriteRules(), c.ndjsonMaxDepth(), c.ndjsonStreams(), c.ndjsonEventTimes()),
                new IngestEndpoints.LagLimits(c.maxLagBytes(), PaceSettings.of(c)));
        applier.keep(c.remoteWriteKept());
        retention.policy(c.retention());
    }
}
