package dev.cistern.agent;

import dev.cistern.agent.apply.JournalApplier;
import dev.cistern.agent.config.PaceSettings;
import dev.cistern.agent.config.ResolvedConfig;
import dev.cistern.agent.config.ShutdownSettings;
import dev.cistern.agent.config.StallSettings;
import dev.cistern.agent.http.HttpFront;
import dev.cistern.agent.ingest.IngestEndpoints;
import dev.cistern.agent.ingest.SpaceGuard;
import dev.cistern.agent.journal.ChronicleSettings;
import dev.cistern.agent.journal.Journal;
import dev.cistern.agent.journal.JournalFullException;
import dev.cistern.agent.journal.JournalLag;
import dev.cistern.agent.metrics.AgentMetrics;
import dev.cistern.agent.reload.ConfigReload;
import dev.cistern.agent.reload.LiveSettings;
import dev.cistern.agent.reload.ReloadEndpoint;
import dev.cistern.agent.reload.ReloadResult;
import dev.cistern.agent.supervise.Supervisor;
import dev.cistern.spool.JournalFedSpool;
import dev.cistern.spool.SpoolLayout;
import dev.cistern.agent.routing.Router;
import dev.cistern.spool.DropReport;
import dev.cistern.spool.Retention;
import dev.cistern.spool.Spool;
import dev.cistern.uploader.Uploader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The running agent: HTTP ingest → journal → applier → spool. {@link #start} recovers and starts
 * everything; {@link #close} stops accepting, finishes in-flight requests, seals what the journal
 * holds, and closes the journal.
 */
public final class Agent implements AutoCloseable {
    static {
        ChronicleSettings.apply();
    }

    private static final Logger LOG = Logger.getLogger(Agent.class.getName());

    private final ConfigReload reload;
    private final AgentMetrics metrics;
    private final Spool spool;
    final Journal journal; // LaneSwitch drains them
    final JournalApplier applier;
    private final HttpFront server;
    private final HttpFront admin; // null unless admin.listen is set
    private final ScheduledExecutorService housekeeping;
    private final Retention retention;
    private final Uploader uploader;
    private final DropReport newestDrops;
    private final Supervisor supervisor;
    private final JournalLag lag;
    private volatile boolean ready;
    private volatile boolean closed;

    Agent(ResolvedConfig config, Supplier<ResolvedConfig> source, int lanes) throws IOException {
        this.metrics = new AgentMetrics();
        this.supervisor = new Supervisor(metrics);
        NativeCheck.codecs(config.streamCodecs().values());
        StartupCheck.dataDirectory(config.dataDir());
        // the journal first: which sealed names and ledger are its own is its to say (docs/architecture.md)
        Journal j = Journal.open(new SpoolLayout(config.dataDir()).journal(), config.rollCycle(), config.journalSync(),
                config.maxBodyBytes());
        this.lag = new JournalLag(j.lastIndex()); // before the spool: adaptive quality reads it
        JournalFedSpool fed = AgentParts.openSpool(config, j, lanes, lag); // a shard per lane keeps journal positions exact
        this.spool = fed.spool();
        boolean ok = false;
        HttpFront s = null;
        HttpFront a = null;
        try {
            Journal opened = j;
            metrics.bindSpool(spool.metrics(), spool.recovery());
            metrics.bindQuality(spool.config(), spool.metrics());
            Router router = new Router(config.rules(), config.defaultStream());
            this.applier = new JournalApplier(j, fed, router, config.staticLabels(),
                    metrics, lag, spool.recovery().discardedStreams(), config.ingestThreads(), supervisor,
                    config.remoteWriteKept(), config.ndjsonEventTimes());
            AgentParts.bindJournalGauges(metrics, opened, lag);
            this.retention = new Retention(spool, config.retention(), opened::diskBytes, () -> shrinkJournal(true));
            metrics.bindRetention(retention);
            SpaceGuard space = new SpaceGuard(retention, spool.layout().root(), applier::streams);
            metrics.bindDrops("retention", retention.unsentDrops());
            metrics.bindDrops("drop_newest", space.newestDrops());
            this.newestDrops = space.newestDrops();
            IngestEndpoints.LagLimits lagLimits = new IngestEndpoints.LagLimits(config.maxLagBytes(), PaceSettings.of(config));
            IngestEndpoints ingest = new IngestEndpoints(j, applier.handoff(), lag, metrics, config.maxBodyBytes(), lagLimits, space,
                    new IngestEndpoints.Rules(config.remoteWriteRules(), config.ndjsonMaxDepth(), config.ndjsonStreams(),
                            config.ndjsonEventTimes()), supervisor);
            StartupCheck.journalFitsLimit(config);
            s = HttpFrontFactory.build(config, metrics);
            a = HttpFrontFactory.admin(config, metrics);
            this.reload = new ConfigReload(config, source, new LiveSettings(ingest, applier, retention), metrics.registry());
            route(s, a, ingest);
            this.uploader = config.uploadTo().isEmpty() ? null : AgentParts.startUploader(config, spool, metrics);
            this.journal = j;
            this.server = s;
            this.admin = a;
            this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cistern-housekeeping");
                t.setDaemon(true);
                return t;
            });
            ok = true;
        } finally {
            if (!ok) {
                if (s != null) s.close();
                if (a != null) a.close();
                if (j != null) j.close();
                spool.close();
            }
        }
    }

    /** Ingest on the main listener; health and metrics on both; the reload on the admin listener only. */
    private void route(HttpFront front, HttpFront admin, IngestEndpoints ingest) {
        front.ingest("/api/v1/write", "remote_write", ingest::remoteWrite);
        front.ingest("/api/v1/ingest", "ndjson", ingest::ndjson);
        Health health = new Health(supervisor, () -> ready, metrics);
        for (HttpFront f : admin == null ? List.of(front) : List.of(front, admin)) {
            f.ops("/metrics", "metrics", health::metrics);
            f.ops("/healthz", "healthz", health::healthz);
            f.ops("/readyz", "readyz", health::readyz);
        }
        if (admin != null) admin.ingest("/-/reload", "reload", new ReloadEndpoint(reload)::handle); // POST, bearer token
    }

    /** Recovers the data directory, replays the journal into the spool, and starts serving; nothing to reload from. */
    public static Agent start(ResolvedConfig config) throws IOException {
        return start(config, null);
    }

    /** As {@link #start(ResolvedConfig)}; {@link #reload} reads the configuration again from {@code source}. */
    public static Agent start(ResolvedConfig config, Supplier<ResolvedConfig> source) throws IOException {
        Agent a = new Agent(config, source, LaneSwitch.prepare(config)); // spool.lanes changed: seal with the old count first
        a.applier.start();
        a.housekeeping.scheduleWithFixedDelay(a::releaseJournal, 5, 5, TimeUnit.SECONDS);
        a.housekeeping.scheduleWithFixedDelay(a::recordProgress, 5, 5, TimeUnit.SECONDS);
        long stall = StallSettings.stallTimeout(config.raw().spool).toMillis(); // watched at least twice per timeout
        long watchEvery = Math.min(5_000, Math.max(250, stall / 2));
        a.housekeeping.scheduleWithFixedDelay(() -> a.applier.watch(stall * 1_000_000), watchEvery, watchEvery, TimeUnit.MILLISECONDS);
        long every = Math.max(100, config.retentionInterval().toMillis());
        a.enforceRetention();
        a.housekeeping.scheduleWithFixedDelay(a::enforceRetention, every, every, TimeUnit.MILLISECONDS);
        if (a.uploader != null) a.uploader.start();
        a.server.start();
        if (a.admin != null) a.admin.start();
        a.ready = true;
        LOG.info("cistern agent listening on " + a.url() + ", data in " + a.spool.layout().root()
                + (a.admin == null ? "" : "; admin (POST /-/reload) on " + a.admin.address().getHostString() + ":"
                + a.admin.address().getPort()));
        return a;
    }

    /** Releases journal cycles wholly sealed (the timer's pass). */
    private void releaseJournal() {
        shrinkJournal(false);
    }

    /**
     * Rolls the journal when all its entries are sealed and its cycle is over (or {@code forSpace}:
     * retention needs room now), waits briefly for the lanes to pass the roll, and releases every
     * cycle before the first entry still needed.
     */
    private void shrinkJournal(boolean forSpace) {
        try {
            long tick = journal.rollIfSealed(applier.firstNeededIndex(), forSpace);
            for (int i = 0; tick >= 0 && i < 200 && applier.firstNeededIndex() <= tick; i++) TimeUnit.MILLISECONDS.sleep(5);
            journal.releaseBefore(applier.firstNeededIndex());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (JournalFullException e) {
            LOG.warning("could not roll the journal to release its sealed cycle: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "releasing consumed journal cycles failed", e);
        }
    }

    private void recordProgress() {
        try {
            applier.recordProgress();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "recording journal progress failed", e);
        }
    }

    private void enforceRetention() {
        try {
            retention.enforce();
            newestDrops.flush();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "retention pass failed", e);
        }
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** Where clients reach the agent: https:// when TLS is on. */
    public String url() {
        InetSocketAddress a = server.address();
        return (server.tls() ? "https://" : "http://") + a.getHostString() + ":" + a.getPort();
    }

    public Spool spool() {
        return spool;
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    /** The configuration in force: as started, plus what reloads changed live. */
    public ResolvedConfig config() {
        return reload.current();
    }

    /** Reads the configuration again (SIGHUP, POST /-/reload): see {@link ConfigReload}. */
    public ReloadResult reload(String trigger) {
        return reload.reload(trigger);
    }

    /** The admin listener's address, or null when {@code admin.listen} is empty. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    /** Seals what is open, records how far every stream is sealed (so a restart replays nothing of it), closes the spool. */
    private void sealAndRecord() {
        try {
            spool.sealAll();
            recordProgress();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "sealing at stop failed; the journal replays what is not sealed at next start", e);
        }
        try {
            spool.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "closing the spool failed; the journal replays what is not sealed at next start", e);
        }
    }

    /**
     * Stops within {@code shutdown.drain_timeout}, whatever state the lanes and the sealer are in: refuses new requests
     * at once, lets in-flight ones finish, writes and seals what the journal holds until the deadline. What is not
     * sealed by then stays in the journal and is sealed at the next start, exactly once as after a crash: the ledger
     * is recorded only after everything written is sealed, and the log says how much was left.
     */
    @Override
    public void close() throws IOException {
        if (closed) return; // a second close (a test's, then try-with-resources') has nothing left to stop
        closed = true;
        Duration drain = ShutdownSettings.drainTimeout(config().raw().shutdown);
        long deadline = System.nanoTime() + drain.toNanos();
        ready = false;
        LOG.info("cistern agent stopping: refusing new requests, sealing what the journal holds (shutdown.drain_timeout " + drain + ")");
        server.close(deadline);
        if (admin != null) admin.close(deadline);
        boolean drained = false;
        try {
            drained = applier.drainAndStop(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Deadline.stop(housekeeping, deadline);
        retention.flushDropReports();
        newestDrops.flushAll();
        // sealing gets what is left of the deadline (at least a second): a sealer stuck on a dead disk must not hold the exit
        boolean sealed = drained && Deadline.run("cistern-stop-seal", this::sealAndRecord,
                Math.max(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)));
        if (sealed) releaseJournal();
        String left = applier.unsealed(sealed);
        if (uploader != null) { // lets uploads in flight finish; the rest go next start
            Deadline.run("cistern-stop-upload", uploader::close, Math.max(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(2)));
        }
        if (!sealed) { // the journal stays open under a lane or sealer that may still touch it; the OS keeps its pages
            LOG.warning("cistern agent stopped at its drain deadline (" + drain + ") " + (drained ? "while sealing" : "with lanes busy")
                    + ": " + left + " stay in the journal and are sealed at the next start");
            return;
        }
        journal.close();
        LOG.info("cistern agent stopped; " + left);
    }
}
