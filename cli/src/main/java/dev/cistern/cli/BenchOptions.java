package dev.cistern.cli;

import dev.cistern.spool.SpoolConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options both {@code bench} commands take: the rows' source and the Brotli settings they are written with. */
final class BenchOptions {
    @Option(names = "--corpus", required = true, description = "Prometheus text file (e.g. ../shared/corpus/k8s-node.prom).")
    Path corpus;

    @Option(names = "--quality", defaultValue = "" + SpoolConfig.DEFAULT_QUALITY,
            description = "Brotli quality 0-11 (default ${DEFAULT-VALUE}).")
    int quality;

    @Option(names = "--window", defaultValue = "" + SpoolConfig.DEFAULT_WINDOW,
            description = "Brotli window 10-24 (default ${DEFAULT-VALUE}).")
    int window;
}
