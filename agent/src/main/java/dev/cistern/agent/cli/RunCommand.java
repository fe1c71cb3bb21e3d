package dev.cistern.agent.cli;

import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Run the agent (with no options: data in ./data).")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "data", description = "Data directory (default ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public Integer call() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        try (Spool spool = Spool.open(SpoolConfig.builder(data).build())) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "cistern-shutdown"));
            System.err.println("cistern: spool open at " + spool.layout().root() + " (" + spool.config() + "); Ctrl-C to stop");
            stop.await();
        }
        return 0;
    }
}
