package dev.cistern.spool;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a spool writes. Immutable; make one with {@link #builder(Path)}. Defaults are chosen by
 * measurement (docs/benchmarks.md): quality 5 is where the ratio jumps (55 against 34 at quality 4
 * on Kubernetes metrics, 19.5 against 15 on node_exporter's) and higher qualities add little for
 * much more CPU; one core still writes about 300,000 rows/s. Window 22 (4 MiB) reaches back over
 * a whole scrape of several thousand series, where a series' labels repeat.
 */
public final class SpoolConfig {
    public static final int DEFAULT_QUALITY = 5;
    public static final int DEFAULT_WINDOW = 22;

    private final Path directory;
    private final int quality;
    private final int window;
    private final Rotation rotation;
    private final int shardsPerStream;
    private final boolean replayedFromJournal;
    private final JournalSource journalSource;
    private final AdaptiveLevel adaptive;

    private SpoolConfig(Builder b) {
        this.directory = Objects.requireNonNull(b.directory, "directory");
        this.quality = b.quality;
        this.window = b.window;
        this.rotation = b.rotation;
        this.shardsPerStream = b.shardsPerStream;
        this.replayedFromJournal = b.replayedFromJournal;
        this.journalSource = b.journalSource;
        this.adaptive = b.adaptive;
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    public Path directory() { return directory; }
    public int quality() { return quality; }
    public int window() { return window; }
    /** The controller choosing each segment's quality, or null when every segment gets {@link #quality()}. */
    public AdaptiveLevel adaptive() { return adaptive; }

    /** The quality for a segment opening now: the fixed one, or the controller's choice. */
    int nextQuality() {
        return adaptive == null ? quality : adaptive.next();
    }

    /** The quality a segment opening now would get (for a gauge: a scrape also lets the controller decide). */
    public int currentQuality() {
        return nextQuality();
    }
    public Rotation rotation() { return rotation; }
    public int shardsPerStream() { return shardsPerStream; }
    /** Whether this spool is fed from a journal ({@link JournalFedSpool}): temp files are dropped at open, not salvaged. */
    boolean replayedFromJournal() { return replayedFromJournal; }
    /** The journal a journal-fed spool's ledger belongs to. */
    JournalSource journalSource() { return journalSource; }

    /** This configuration for a {@link JournalFedSpool}: one shard per lane, temp files dropped at open. */
    SpoolConfig journalFed(int lanes, JournalSource source) {
        Builder b = new Builder(directory).quality(quality).window(window).rotation(rotation).shardsPerStream(lanes).adaptive(adaptive);
        b.replayedFromJournal = true;
        b.journalSource = source;
        return b.build();
    }

    @Override
    public String toString() {
        return "SpoolConfig{directory=" + directory + ", quality=" + (adaptive == null ? quality : adaptive) + ", window=" + window
                + ", rotation=" + rotation + ", shardsPerStream=" + shardsPerStream
                + (replayedFromJournal ? ", replayedFromJournal" : "") + '}';
    }

    public static final class Builder {
        private final Path directory;
        private int quality = DEFAULT_QUALITY;
        private int window = DEFAULT_WINDOW;
        private Rotation rotation = Rotation.DEFAULT;
        private int shardsPerStream = Math.max(1, Runtime.getRuntime().availableProcessors());
        private boolean replayedFromJournal;
        private JournalSource journalSource = JournalSource.ANY;
        private AdaptiveLevel adaptive;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** Brotli quality 0-11: higher is smaller and slower. */
        public Builder quality(int quality) {
            if (quality < 0 || quality > 11) throw new IllegalArgumentException("quality must be 0-11, was " + quality);
            this.quality = quality;
            return this;
        }

        /** Brotli window as log2 of bytes, 10-24. */
        public Builder window(int window) {
            if (window < 10 || window > 24) throw new IllegalArgumentException("window must be 10-24, was " + window);
            this.window = window;
            return this;
        }

        /**
         * Lets a controller choose each segment's quality within its floor and ceiling (null: every segment at
         * {@link #quality(int)}). The levels must be Brotli qualities.
         */
        public Builder adaptive(AdaptiveLevel adaptive) {
            if (adaptive != null && (adaptive.min() < 0 || adaptive.max() > 11)) {
                throw new IllegalArgumentException("adaptive quality must stay within 0-11, was " + adaptive);
            }
            this.adaptive = adaptive;
            return this;
        }

        public Builder rotation(Rotation rotation) {
            this.rotation = Objects.requireNonNull(rotation, "rotation");
            return this;
        }

        /** Parallel segments per stream; each compresses on the thread that appends to it. */
        public Builder shardsPerStream(int shards) {
            if (shards < 1 || shards > 256) throw new IllegalArgumentException("shardsPerStream must be 1-256, was " + shards);
            this.shardsPerStream = shards;
            return this;
        }

        public SpoolConfig build() {
            return new SpoolConfig(this);
        }
    }
}
