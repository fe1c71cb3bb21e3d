package dev.cistern.agent.reload;

import dev.cistern.agent.apply.JournalApplier;
import dev.cistern.agent.config.ConfigChange;
import dev.cistern.agent.config.ResolvedConfig;
import dev.cistern.agent.ingest.IngestEndpoints;
import dev.cistern.spool.Retention;

/**
 * Hands the live part of a configuration ({@link ConfigChange#isLive}) to the parts that read it: the ingest
 * endpoints (input rules, lag limit), the applier (which extra remote_write rows are kept) and retention (limits
 * and overflow policy). Each takes an immutable value in one write; {@code shutdown.drain_timeout} is read from
 * the config in force at the stop.
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

    void apply(ResolvedConfig c) {
        ingest.live(new IngestEndpoints.Rules(c.remoteWriteRules(), c.ndjsonMaxDepth()), c.maxLagBytes());
        applier.keep(c.remoteWriteKept());
        retention.policy(c.retention());
    }
}
