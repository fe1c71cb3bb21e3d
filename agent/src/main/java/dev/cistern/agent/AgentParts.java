package dev.cistern.agent;

import dev.cistern.agent.config.LaneSettings;
import dev.cistern.agent.config.PaceSettings;
import dev.cistern.agent.config.QualitySettings;
import dev.cistern.agent.config.ResolvedConfig;
import dev.cistern.agent.journal.Journal;
import dev.cistern.agent.journal.JournalLag;
import dev.cistern.agent.metrics.AgentMetrics;
import dev.cistern.spool.JournalFedSpool;
import dev.cistern.spool.LevelPolicy;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.uploader.Destination;
import dev.cistern.uploader.Destinations;
import dev.cistern.uploader.Uploader;
import java.io.IOException;

/** The parts {@link Agent} wires, each built as the config asks: the journal-fed spool, its gauges, the uploader. */
final class AgentParts {
    private AgentParts() {}

    /**
     * The spool, one shard per applier lane (which keeps journal positions exact); closes the journal if it fails.
     * With {@code spool.quality: auto}, each segment's quality follows the journal lag against {@code journal.max_lag_bytes},
     * at its floor from the pace mark ({@code journal.pace_above_bytes}), beyond which the lag does not grow: the lowest
     * lag of the last second or two, which lanes writing grouped blocks get back to, or the highest if requests were paced
     * ({@link JournalLag#recentBacklog}).
     */
    static JournalFedSpool openSpool(ResolvedConfig config, Journal journal, int lanes, JournalLag lag) throws IOException {
        try {
            QualitySettings q = config.qualitySettings();
            long paceMark = PaceSettings.of(config);
            lag.paceAt(paceMark); // and IngestEndpoints.live on a reload
            SpoolConfig.Builder sc = SpoolConfig.builder(config.dataDir())
                    .quality(config.quality()).window(config.window()).rotation(config.rotation())
                    .seriesBlockRows(LaneSettings.seriesBlockRows(config.raw().spool))
                    .adaptive(q.auto() ? LevelPolicy.forLimit(q.min(), q.max(), lag::recentBacklog,
                            config.maxLagBytes(), paceMark) : null);
            config.streamCodecs().forEach(sc::streamCodec); // routing.streams: a codec per stream
            q.fixedLevelStreams().forEach(sc::fixedLevel); // a level set for a stream stays
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
