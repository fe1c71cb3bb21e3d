package dev.cistern.cli;

import static dev.cistern.testkit.Times.HOUR;
import static dev.cistern.testkit.Times.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cistern.spool.CodecSettings;
import dev.cistern.spool.Labels;
import dev.cistern.spool.SegmentName;
import dev.cistern.spool.Series;
import dev.cistern.spool.Spool;
import dev.cistern.spool.SpoolConfig;
import dev.cistern.uploader.testing.S3Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, 4: what the real uploader ships (`cistern upload --once`, to S3Proxy's filesystem backend and to a
 * directory) is read by a real query engine, DuckDB, over the default Hive-partitioned key layout, and counts, partition
 * values and sums agree with what was written. DuckDB cannot read Brotli, so a Brotli object is read after `cistern cat`.
 */
class LakeQueryTest {
    private static final int HOURS = 3;
    private static final int SEGMENTS_PER_HOUR = 2;
    private static final int ROWS = 200;

    /** One stream per codec, the same rows in each: DuckDB reads gzip and zstd as they land, Brotli after `cistern cat`. */
    private static final Map<String, String> STREAMS = Map.of("lake_gz", ".json.gz", "lake_zst", ".json.zst", "lake_br", ".ndjson");

    @TempDir Path dir;

    @Test
    void duckDbReadsTheUploadedTreeWithItsPartitions() throws Exception {
        Map<String, String> expected = write(dir.resolve("spool-s3"));
        write(dir.resolve("spool-dir"));
        Path s3Root = Files.createDirectories(dir.resolve("s3"));
        String bucket;
        try (S3Server s3 = S3Server.onDisk(s3Root)) {
            bucket = s3.newBucket();
            System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
            try {
                var r = UploadCommandsTest.run("upload", dir.resolve("spool-s3").toString(), "--dest", "s3://" + bucket + "/lake",
                        "--endpoint", s3.endpoint().toString(), "--path-style", "--region", "us-east-1", "--once");
                assertEquals(0, r.code(), r.out() + r.err());
            } finally {
                System.clearProperty("aws.accessKeyId");
                System.clearProperty("aws.secretAccessKey");
            }
        }
        Path lake = dir.resolve("lake");
        var r = UploadCommandsTest.run("upload", dir.resolve("spool-dir").toString(), "--dest", lake.toUri().toString(), "--once");
        assertEquals(0, r.code(), r.out() + r.err());

        for (Path tree : List.of(s3Root.resolve(bucket).resolve("lake"), lake)) {
            int objects = catBrotliObjects(tree);
            assertEquals(HOURS * SEGMENTS_PER_HOUR, objects, "Brotli objects under " + tree);
            for (Map.Entry<String, String> s : STREAMS.entrySet()) {
                assertEquals(expected, query(tree.resolve(s.getKey()), s.getValue()), "what DuckDB reads from " + tree + " " + s);
            }
        }
    }

    /** The same rows in each stream of {@link #STREAMS}, {@link #SEGMENTS_PER_HOUR} segments an hour; per "dt=/hour=": rows, sum. */
    private static Map<String, String> write(Path spoolDir) throws Exception {
        Map<String, Double> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        try (Spool spool = Spool.open(SpoolConfig.builder(spoolDir).shardsPerStream(1).quality(5)
                .streamCodec("lake_gz", CodecSettings.gzip(6)).streamCodec("lake_zst", CodecSettings.zstd(3, 0)).build())) {
            for (int h = 0; h < HOURS; h++) {
                for (int s = 0; s < SEGMENTS_PER_HOUR; s++) {
                    Series series = Series.of("lake_metric", Labels.of("segment", Integer.toString(s), "job", "lake"));
                    for (int i = 0; i < ROWS; i++) {
                        long ts = T0 + h * HOUR + s * 60_000L + i * 1000L;
                        double value = h * 1000 + s * 100 + i * 0.5;
                        for (String stream : STREAMS.keySet()) spool.writer(stream).append(series, ts, value);
                        sums.merge(SegmentName.partitionOf(ts), value, Double::sum);
                        counts.merge(SegmentName.partitionOf(ts), 1L, Long::sum);
                    }
                    for (String stream : STREAMS.keySet()) spool.writer(stream).seal();
                }
            }
        }
        Map<String, String> expected = new TreeMap<>();
        counts.forEach((p, n) -> expected.put(p, n + " rows, sum " + sums.get(p)));
        return expected;
    }

    /** `cistern cat` of each Brotli object into NDJSON beside it (same partition folders); how many there were. */
    private static int catBrotliObjects(Path tree) throws Exception {
        List<Path> objects;
        try (Stream<Path> s = Files.walk(tree)) {
            objects = s.filter(p -> p.getFileName().toString().endsWith(".json.br")).toList();
        }
        for (Path o : objects) {
            var r = UploadCommandsTest.run("cat", o.toString());
            assertEquals(0, r.code(), r.err());
            Files.writeString(o.resolveSibling(o.getFileName() + ".ndjson"), r.out(), StandardCharsets.UTF_8);
        }
        return objects.size();
    }

    /** Rows and the sum of values per "dt=.../hour=..." partition, as DuckDB reads them with Hive partitioning. */
    private static Map<String, String> query(Path tree, String suffix) throws Exception {
        Map<String, String> got = new TreeMap<>();
        String glob = tree.toAbsolutePath() + "/**/*" + suffix;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             ResultSet rs = c.createStatement().executeQuery("SELECT dt, hour, count(*), sum(value) FROM read_json('" + glob
                     + "', format = 'newline_delimited', hive_partitioning = true, hive_types_autocast = false)"
                     + " GROUP BY dt, hour ORDER BY dt, hour")) {
            while (rs.next()) {
                got.put("dt=" + rs.getString(1) + "/hour=" + rs.getString(2), rs.getLong(3) + " rows, sum " + rs.getDouble(4));
            }
        }
        assertTrue(!got.isEmpty(), "DuckDB read nothing from " + glob);
        System.out.println("LakeQueryTest: DuckDB over " + tree.getFileName() + ": " + got);
        return got;
    }
}
