package dev.cistern.agent;

import dev.cistern.agent.config.ResolvedConfig;
import dev.cistern.agent.journal.Journal;
import dev.cistern.agent.journal.JournalLag;
import dev.cistern.agent.metrics.AgentMetrics;
import dev.cistern.spool.JournalFedSpool;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.uploader.Destination;
import dev.cistern.uploader.Destinations;
import dev.cistern.uploader.Uploader;
import java.io.IOException;

/** The parts {@link Agent} wires, each built as the config asks: the journal-fed spool, its gauges, the uploader. */
final class AgentParts {
    private AgentParts() {}

    /** The spool, one shard per applier lane (which keeps journal positions exact); closes the journal if it fails. */
    static JournalFedSpool openSpool(ResolvedConfig config, Journal journal, int lanes) throws IOException {
        try {
            SpoolConfig.Builder sc = SpoolConfig.builder(config.dataDir())
                    .quality(config.quality()).window(config.window()).rotation(config.rotation());
            config.streamCodecs().forEach(sc::streamCodec); // routing.streams: a codec per stream
            return JournalFedSpool.open(sc.build(), lanes, journal.source());
        } catch (IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    static void bindJournalGauges(AgentMetrics metrics, Journal journal, JournalLag lag) {
        metrics.gauge("cistern.journal.disk.bytes", "bytes of journal cycle files on disk", journal, Journal::diskBytes);
        metrics.gauge("cistern.journal.lag.bytes", "acknowledged bytes not yet written into the spool", lag, JournalLag::pendingBytes);
        metrics.gauge("cistern.journal.lag.entries", "acknowledged requests not yet written into the spool", lag,
                JournalLag::pendingEntries);
        metrics.journalDamage(journal.damage());
    }

    static Uploader startUploader(ResolvedConfig config, Spool spool, AgentMetrics metrics) throws IOException {
        Destination destination = Destinations.fromUri(config.uploadTo(), ResolvedConfig.destinationOptions(config.raw().upload));
        Uploader u = Uploader.builder(spool.layout().root(), destination)
                .policy(config.uploadPolicy())
                .listener(metrics.uploadListener())
                .events(spool::publish)
                .settled(spool::isSettled) // a file goes only once the journal ledger records it
                .build();
        metrics.bindUploader(u.metrics());
        spool.onSealed(s -> u.wake()); // the periodic rescan stays as a safety net
        return u;
    }
}
