package dev.cistern.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** One line per log record on stderr: time, level, logger, message. */
final class Logging {
    private static boolean done;

    private Logging() {}

    static synchronized void configure() {
        if (done || System.getProperty("java.util.logging.config.file") != null) return;
        done = true;
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s: %5$s%6$s%n");
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
