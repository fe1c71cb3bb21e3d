package dev.cistern.cli;

import dev.cistern.agent.Agent;
import dev.cistern.agent.config.ConfigException;
import dev.cistern.agent.config.ConfigLoader;
import dev.cistern.agent.config.ResolvedConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "run", description = {
        "Run the agent. With no options it uses embedded defaults: data in ./data, listening on 127.0.0.1:9464, uploads to ./uploads.",
        "Config: YAML file, then CISTERN_* environment variables (nested keys joined by __), then flags."})
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
        try (Agent agent = Agent.start(resolved)) {
            System.err.println("cistern: listening on " + agent.url()
                    + "  data: " + agent.spool().layout().root() + "  (Ctrl-C to stop)");
            stop.await();
        }
        return 0;
    }
}
