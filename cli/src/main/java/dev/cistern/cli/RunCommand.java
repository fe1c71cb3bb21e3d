package dev.cistern.cli;

import dev.cistern.agent.Agent;
import dev.cistern.agent.config.ConfigException;
import dev.cistern.agent.config.ConfigLoader;
import dev.cistern.agent.config.ResolvedConfig;
import dev.cistern.agent.config.ShutdownSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

@Command(name = "run", description = {
        "Run the agent. With no options it uses embedded defaults: data in ./data, listening on 127.0.0.1:9464, uploads to ./uploads.",
        "Config: YAML file, then CISTERN_* environment variables (nested keys joined by __), then flags.",
        "SIGHUP (or POST /-/reload on admin.listen) reads them again: what can change live changes, the rest is reported."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", description = "YAML configuration file (see config/).")
    Path config;

    @Option(names = "--data", description = "Data directory (overrides data_dir).")
    String data;

    @Option(names = "--listen", description = "HOST:PORT to listen on (overrides listen).")
    String listen;

    @Option(names = "--print-config", description = "Print the configuration in force and exit.")
    boolean printConfig;

    @Override
    public Integer call() throws Exception {
        Logging.start();
        Map<String, String> flags = new LinkedHashMap<>();
        if (data != null) flags.put("data_dir", data);
        if (listen != null) flags.put("listen", listen);
        ResolvedConfig resolved;
        try {
            resolved = ConfigLoader.load(config, System.getenv(), flags);
        } catch (ConfigException e) {
            System.err.println("cistern run: " + e.getMessage());
            return 2;
        }
        if (printConfig) {
            System.out.print(ConfigLoader.toYaml(resolved.raw()));
            return 0;
        }
        CountDownLatch stop = new CountDownLatch(1);
        // Handle TERM and INT ourselves so a requested stop is a clean shutdown that exits 0.
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        // HUP before the JVM's default for it (exit); a reload asked for before the agent runs is ignored
        AtomicReference<Agent> running = new AtomicReference<>();
        SignalHandler before = Signal.handle(new Signal("HUP"), s -> reloadOnHangup(running.get()));
        // A parent that ignores HUP (nohup) leaves it ignored: the JVM then never delivers it, and a reload asked
        // for by SIGHUP would silently not happen
        if (before == SignalHandler.SIG_IGN) System.err.println(HUP_IGNORED);
        try (Agent agent = Agent.start(resolved, () -> ConfigLoader.load(config, System.getenv(), flags))) {
            running.set(agent);
            System.err.println("cistern: listening on " + agent.url()
                    + "  data: " + agent.spool().layout().root() + "  (Ctrl-C to stop)");
            stop.await();
            haltAfter(ShutdownSettings.drainTimeout(resolved.raw().shutdown).plusSeconds(10));
        }
        return 0;
    }

    static final String HUP_IGNORED = "cistern: WARNING: SIGHUP is ignored in this process (started under nohup, or a"
            + " parent that ignores it), so SIGHUP will not reload the config: start it without nohup (systemd and"
            + " Kubernetes need none), or reload with POST /-/reload on admin.listen";

    /** Off the signal thread: a reload reads files and may check the upload destination. */
    private static void reloadOnHangup(Agent agent) {
        if (agent == null) {
            System.err.println("cistern: SIGHUP while starting; ignored (send it again once the agent listens)");
            return;
        }
        Thread t = new Thread(() -> agent.reload("SIGHUP"), "cistern-reload");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The last guard of the drain deadline: the agent's stop is bounded step by step, and should one step still hang,
     * the process ends anyway. Nothing acknowledged is lost: the journal replays what is not sealed, as after a crash.
     */
    private static void haltAfter(Duration grace) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(grace.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("cistern: the stop ran " + grace.toSeconds() + " s past SIGTERM (shutdown.drain_timeout + 10 s);"
                    + " halting. What is not sealed stays in the journal for the next start");
            Runtime.getRuntime().halt(1);
        }, "cistern-stop-guard");
        t.setDaemon(true);
        t.start();
    }
}
