package dev.cistern.agent.reload;

import dev.cistern.agent.config.ConfigChange;
import dev.cistern.agent.config.ConfigException;
import dev.cistern.agent.config.ResolvedConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reloads the configuration (SIGHUP, {@code POST /-/reload}): reads the same file and environment again, refuses a
 * config that does not load (the running one stays), applies the keys that can change live and reports the others
 * as needing a restart. One reload at a time; the config in force is one immutable value swapped whole.
 */
public final class ConfigReload {
    private static final Logger LOG = Logger.getLogger(ConfigReload.class.getName());

    private final Supplier<ResolvedConfig> source;
    private final LiveSettings live;
    private final Counter successes;
    private final Counter failures;
    private final AtomicLong lastSuccessSeconds = new AtomicLong(System.currentTimeMillis() / 1000);
    private volatile boolean lastSuccessful = true;
    private volatile boolean restartPending;
    private volatile ResolvedConfig current;

    /** {@code source} reads the configuration as at startup (file, environment, flags); null: nothing to reload from. */
    public ConfigReload(ResolvedConfig started, Supplier<ResolvedConfig> source, LiveSettings live, MeterRegistry registry) {
        this.current = started;
        this.source = source;
        this.live = live;
        this.successes = counter(registry, "success");
        this.failures = counter(registry, "failure");
        Gauge.builder("cistern.config.last.reload.successful", this, r -> r.lastSuccessful ? 1 : 0)
                .description("1 when the last reload was taken (or none was asked for), 0 when it was refused").register(registry);
        Gauge.builder("cistern.config.last.reload.success.timestamp.seconds", lastSuccessSeconds, AtomicLong::get)
                .description("when the config in force was loaded: the start, or the last reload taken (Unix seconds)")
                .register(registry);
        Gauge.builder("cistern.config.restart.pending", this, r -> r.restartPending ? 1 : 0)
                .description("1 when the last reload found changes that need a restart (left as they were)").register(registry);
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("cistern.config.reloads").tag("result", result)
                .description("config reloads asked for (SIGHUP, POST /-/reload), by result").register(registry);
    }

    /** The configuration in force: the one started with, plus the live keys of every reload taken since. */
    public ResolvedConfig current() {
        return current;
    }

    /** Reloads; {@code trigger} says who asked, for the log line. Never throws: a refusal is in the result. */
    public synchronized ReloadResult reload(String trigger) {
        ReloadResult result;
        try {
            if (source == null) throw new IllegalStateException("this agent was started without a config source to reload");
            ResolvedConfig loaded = source.get();
            ConfigChange change = ConfigChange.between(current, loaded);
            if (!change.live().isEmpty()) live.apply(change);
            current = change.applied();
            result = ReloadResult.taken(change);
        } catch (ConfigException | IllegalStateException e) {
            result = ReloadResult.refused(e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "config reload (" + trigger + ") failed", e);
            result = ReloadResult.refused(e.toString());
        } catch (VirtualMachineError e) {
            throw e; // out of memory and the like end the process (-XX:+ExitOnOutOfMemoryError): the journal replays
        } catch (Error e) {
            // a defect or a native fault in the switch: the lanes were released (JournalApplier.route), the routing in
            // force is the old one, and the ingest path never saw the reload; said and counted like any refusal
            LOG.log(Level.SEVERE, "config reload (" + trigger + ") failed with an error; the running config stays", e);
            result = ReloadResult.refused(e.toString());
        }
        record(result);
        String line = "config reload (" + trigger + "): " + result.summary();
        if (!result.success()) LOG.severe(line);
        else if (!result.restart().isEmpty()) LOG.warning(line);
        else LOG.info(line);
        return result;
    }

    private void record(ReloadResult r) {
        lastSuccessful = r.success();
        if (!r.success()) {
            failures.increment();
            return;
        }
        successes.increment();
        lastSuccessSeconds.set(System.currentTimeMillis() / 1000);
        restartPending = !r.restart().isEmpty();
    }
}
