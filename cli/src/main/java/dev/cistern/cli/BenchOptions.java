package dev.cistern.cli;

import dev.cistern.spool.SpoolConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options both {@code bench} commands take: the rows' source and the Brotli settings they are written with. */
final class BenchOptions {
    @Option(names = "--corpus", required = true, description = "Prometheus text file (e.g. ../shared/corpus/k8s-node.prom).")
    Path corpus;

    @Option(names = "--quality", defaultValue = "" + SpoolConfig.DEFAULT_QUALITY,
            description = "Brotli quality 0-11, or (bench ingest) auto: spool.quality auto at its default floor and ceiling "
                    + "(default ${DEFAULT-VALUE}).")
    String quality;

    @Option(names = "--window", defaultValue = "" + SpoolConfig.DEFAULT_WINDOW,
            description = "Brotli window 10-24 (default ${DEFAULT-VALUE}).")
    int window;

    /** The quality as a number, for commands that write at one quality. */
    int fixedQuality() {
        try {
            return Integer.parseInt(quality.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--quality must be 0-11 here, was '" + quality + "'");
        }
    }
}
