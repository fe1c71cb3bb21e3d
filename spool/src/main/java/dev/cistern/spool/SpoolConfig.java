package dev.cistern.spool;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a spool writes. Immutable; make one with {@link #builder(Path)}. Defaults are chosen by
 * measurement (docs/benchmarks.md): quality 5 is where the ratio jumps (55 against 34 at quality 4
 * on Kubernetes metrics, 19.5 against 15 on node_exporter's) and higher qualities add little for
 * much more CPU; one core still writes about 300,000 rows/s. Window 22 (4 MiB) reaches back over
 * a whole scrape of several thousand series, where a series' labels repeat. A stream may choose
 * another codec ({@link Builder#streamCodec}); the others use Brotli at this quality and window.
 */
public final class SpoolConfig {
    public static final int DEFAULT_QUALITY = 5;
    public static final int DEFAULT_WINDOW = 22;
    public static final int DEFAULT_SERIES_BLOCK_ROWS = SeriesBlock.DEFAULT_ROWS;
    public static final int MAX_SERIES_BLOCK_ROWS = 1 << 20;

    private final Path directory;
    private final int quality;
    private final int window;
    private final Rotation rotation;
    private final int shardsPerStream;
    private final boolean replayedFromJournal;
    private final JournalSource journalSource;
    private final Map<String, CodecSettings> streamCodecs;
    private final Set<String> fixedLevels;
    private final LevelPolicy adaptive;
    private final int seriesBlockRows;

    private SpoolConfig(Builder b) {
        this.directory = Objects.requireNonNull(b.directory, "directory");
        this.quality = b.quality;
        this.window = b.window;
        this.rotation = b.rotation;
        this.shardsPerStream = b.shardsPerStream;
        this.replayedFromJournal = b.replayedFromJournal;
        this.journalSource = b.journalSource;
        this.streamCodecs = Map.copyOf(b.streamCodecs);
        this.fixedLevels = Set.copyOf(b.fixedLevels);
        this.adaptive = b.adaptive;
        this.seriesBlockRows = b.seriesBlockRows;
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    public Path directory() { return directory; }
    public int quality() { return quality; }
    public int window() { return window; }
    /** The controllers choosing each segment's level, or null when every segment gets its stream's fixed level. */
    public LevelPolicy adaptive() { return adaptive; }
    public Rotation rotation() { return rotation; }
    public int shardsPerStream() { return shardsPerStream; }
    /** Samples each shard holds back to write grouped by series ({@link SeriesBlock}); 0 writes them as they come. */
    public int seriesBlockRows() { return seriesBlockRows; }

    /**
     * The distinct series JSON one shard's block may hold: a sixty-fourth of the heap, 256 KiB-16 MiB (a k8s node's
     * 957 series take 0.45 MB). Series the caches did not keep stay alive only through the block, so under series
     * churn this is what the blocks add to the live heap: 1 MiB a lane at -Xmx64m, where a sixteenth starved it.
     */
    long seriesBlockBytes() {
        return Math.max(256L << 10, Math.min(16L << 20, Runtime.getRuntime().maxMemory() / 64));
    }
    /** The streams that chose their codec; the others are written with {@link #codec(String)}'s Brotli default. */
    public Map<String, CodecSettings> streamCodecs() { return streamCodecs; }

    /** How a stream's segments are compressed. */
    public CodecSettings codec(String stream) {
        CodecSettings c = streamCodecs.get(stream);
        return c != null ? c : CodecSettings.brotli(quality, window);
    }

    /** The settings of a segment of this stream opening now: {@link #codec(String)} at the level the policy picks, if any. */
    CodecSettings nextCodec(String stream) {
        CodecSettings c = codec(stream);
        return adaptive == null || fixedLevels.contains(stream) ? c : adaptive.next(c);
    }

    /** The levels segments may be written at, per codec in use (Brotli for unlisted streams included): for metrics. */
    public Map<Codec, SortedSet<Integer>> levels() {
        Map<Codec, SortedSet<Integer>> out = new EnumMap<>(Codec.class);
        addLevels(out, CodecSettings.brotli(quality, window), adaptive != null);
        streamCodecs.forEach((s, c) -> addLevels(out, c, adaptive != null && !fixedLevels.contains(s)));
        return out;
    }

    private void addLevels(Map<Codec, SortedSet<Integer>> out, CodecSettings c, boolean adapts) {
        SortedSet<Integer> levels = out.computeIfAbsent(c.codec(), k -> new TreeSet<>());
        if (!adapts) {
            levels.add(c.level());
            return;
        }
        for (int l = adaptive.of(c.codec()).min(); l <= adaptive.of(c.codec()).max(); l++) levels.add(l);
    }

    /**
     * The level a segment of this codec opening now would get (the adaptive choice, without moving the controller;
     * else the highest it is written at).
     */
    public int nextLevel(Codec codec) {
        return adaptive != null ? adaptive.of(codec).peek() : levels().getOrDefault(codec, new TreeSet<>(Set.of(0))).last();
    }

    /** Whether this spool is fed from a journal ({@link JournalFedSpool}): temp files are dropped at open, not salvaged. */
    boolean replayedFromJournal() { return replayedFromJournal; }
    /** The journal a journal-fed spool's ledger belongs to. */
    JournalSource journalSource() { return journalSource; }

    /** This configuration for a {@link JournalFedSpool}: one shard per lane, temp files dropped at open. */
    SpoolConfig journalFed(int lanes, JournalSource source) {
        Builder b = new Builder(directory).quality(quality).window(window).rotation(rotation).shardsPerStream(lanes).adaptive(adaptive)
                .seriesBlockRows(seriesBlockRows);
        b.streamCodecs.putAll(streamCodecs);
        b.fixedLevels.addAll(fixedLevels);
        b.replayedFromJournal = true;
        b.journalSource = source;
        return b.build();
    }

    @Override
    public String toString() {
        return "SpoolConfig{directory=" + directory + ", quality=" + (adaptive == null ? quality : adaptive) + ", window=" + window
                + ", rotation=" + rotation + ", shardsPerStream=" + shardsPerStream + ", seriesBlockRows=" + seriesBlockRows
                + (streamCodecs.isEmpty() ? "" : ", codecs=" + new TreeMap<>(streamCodecs))
                + (fixedLevels.isEmpty() || adaptive == null ? "" : ", fixedLevels=" + fixedLevels)
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
        private final Map<String, CodecSettings> streamCodecs = new TreeMap<>();
        private final Set<String> fixedLevels = new TreeSet<>();
        private LevelPolicy adaptive;
        private int seriesBlockRows = SeriesBlock.DEFAULT_ROWS;

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

        /** The codec for one stream's segments (the default is Brotli at {@link #quality} and {@link #window}). */
        public Builder streamCodec(String stream, CodecSettings codec) {
            streamCodecs.put(StreamName.check(stream), Objects.requireNonNull(codec, "codec"));
            return this;
        }

        /** Keeps a stream's codec level as given when the others adapt (its level was set, {@code routing.streams.<s>.level}). */
        public Builder fixedLevel(String stream) {
            fixedLevels.add(StreamName.check(stream));
            return this;
        }

        /** Lets each segment's level follow {@code adaptive} (null: every segment at its stream's fixed level). */
        public Builder adaptive(LevelPolicy adaptive) {
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

        /** Samples each shard holds back and writes grouped by series, 0-1,048,576; 0 writes them in arrival order. */
        public Builder seriesBlockRows(int rows) {
            if (rows < 0 || rows > MAX_SERIES_BLOCK_ROWS) {
                throw new IllegalArgumentException("seriesBlockRows must be 0-" + MAX_SERIES_BLOCK_ROWS + ", was " + rows);
            }
            this.seriesBlockRows = rows;
            return this;
        }

        public SpoolConfig build() {
            return new SpoolConfig(this);
        }
    }
}
