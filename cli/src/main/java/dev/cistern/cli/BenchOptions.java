package dev.cistern.cli;

import dev.cistern.spool.Codec;
import dev.cistern.spool.CodecSettings;
import dev.cistern.spool.SpoolConfig;
import java.util.Arrays;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options both {@code bench} commands take: the rows' source and the codec settings they are written with. */
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

    @Option(names = "--codec", defaultValue = "brotli", description = "brotli, zstd or gzip (default ${DEFAULT-VALUE}; bench write only).")
    String codec;

    @Option(names = "--level", description = "zstd level 1-22 (default 3) or gzip level 1-9 (default 6); Brotli takes --quality.")
    Integer level;

    @Option(names = "--long", description = "zstd long-distance window, log2 bytes 10-27 (default off).")
    Integer longWindow;

    /** The codec and settings the options ask for; a bad value throws naming its option. */
    CodecSettings codecSettings() {
        Codec c = Codec.ofConfigName(codec);
        if (c == null) {
            throw new IllegalArgumentException("--codec: '" + codec + "' is not one of "
                    + Arrays.stream(Codec.values()).map(Codec::configName).toList());
        }
        try {
            return c == Codec.BROTLI ? CodecSettings.brotli(fixedQuality(), window) : CodecSettings.of(c, level, longWindow, null);
        } catch (IllegalArgumentException e) {
            String knob = e.getMessage().startsWith("window") ? "--long: " : "--level: ";
            throw new IllegalArgumentException(knob + e.getMessage().substring(e.getMessage().indexOf(": ") + 2), e);
        }
    }
}
