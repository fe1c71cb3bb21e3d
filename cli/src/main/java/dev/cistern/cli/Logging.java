package dev.cistern.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One line per log record on stderr: time, level, logger, message. Set up when the first logger is asked for (through
 * {@code java.util.logging.config.class}), not at start: a tool that logs nothing (a `cat`) does not load the logging
 * classes, time zones and formats, about 60 ms of its start (docs/benchmarks.md, "Tools: filters on every core, C1 and
 * a class archive").
 */
final class Logging {
    private static boolean done;

    private Logging() {}

    static synchronized void configure() {
        if (done || System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        done = true;
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s: %5$s%6$s%n");
        System.setProperty("java.util.logging.config.class", Config.class.getName());
    }

    /**
     * For the agent, which logs from its first step: starts logging now, and sets it up here if something started it
     * before {@link #configure} could name {@link Config}.
     */
    static void start() {
        Logger.getLogger("");
        if (!Config.applied) new Config();
    }

    /** Made by the LogManager as it starts, in place of reading a logging.properties. */
    public static final class Config {
        private static volatile boolean applied;

        public Config() {
            applied = true;
            LogManager.getLogManager().reset();
            Logger root = Logger.getLogger("");
            Handler h = new ConsoleHandler();
            h.setFormatter(new SimpleFormatter());
            h.setLevel(Level.ALL);
            root.addHandler(h);
            root.setLevel(Level.INFO);
            // Chronicle narrates file mappings at INFO; only its warnings matter to an operator
            Logger.getLogger("net.openhft").setLevel(Level.WARNING);
        }
    }
}
