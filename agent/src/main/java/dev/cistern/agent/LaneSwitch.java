package dev.cistern.agent;

import dev.cistern.agent.config.LaneSettings;
import dev.cistern.agent.config.ResolvedConfig;
import dev.cistern.spool.JournalSource;
import dev.cistern.spool.LaneChange;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * A start with another {@code spool.lanes} than the data directory was written with: the journal is first sealed
 * whole with the recorded count (an agent that does not serve, stopped as at SIGTERM), then the ledger is rewritten for
 * the new count ({@link LaneChange}). Killed before that, the next start drains again; so every acknowledged entry is
 * sealed exactly once whichever count each run had.
 */
final class LaneSwitch {
    private static final Logger LOG = Logger.getLogger(LaneSwitch.class.getName());

    private LaneSwitch() {}

    /** The lane count to run with: {@code spool.lanes}, once the data directory has been moved to it. */
    static int prepare(ResolvedConfig config) throws IOException {
        int wanted = LaneSettings.lanes(config.raw().spool);
        int recorded = LaneChange.recordedLanes(config.dataDir());
        if (recorded < 1 || recorded == wanted) return wanted;
        LOG.info("the data directory was written with " + recorded + " applier lanes, spool.lanes is " + wanted
                + ": sealing the journal with " + recorded + " lanes first");
        long last;
        JournalSource source;
        Agent old = new Agent(config, null, recorded);
        try {
            last = old.journal.lastIndex();
            source = old.journal.source();
            old.applier.start();
        } finally {
            old.close(); // drains and seals the whole journal within shutdown.drain_timeout
        }
        LaneChange.relane(config.dataDir(), recorded, wanted, last, source);
        LOG.info("the data directory now has " + wanted + " applier lanes (journal sealed through entry " + last + ")");
        return wanted;
    }
}
