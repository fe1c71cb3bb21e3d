package dev.cistern.cli.bench;

import dev.cistern.spool.Labels;
import dev.cistern.spool.Series;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Series read from a Prometheus text exposition file, and rows generated from them the way a
 * scraper would see them: counters rise, gauges wander, timestamps step 15 s per scrape.
 */
public final class Corpus {
    public static final long START_MILLIS = 1763773200000L; // 2025-11-22T01:00:00Z
    public static final long STEP_MILLIS = 15_000;

    /** One series with its first value and whether it is a counter. */
    public record Sample(Series series, double value, boolean counter) {}

    /** Generated rows, as parallel arrays so nothing is built while the clock runs. */
    public record Rows(Series[] series, long[] timestamps, double[] values) {
        public int size() {
            return series.length;
        }
    }

    private final List<Sample> samples;

    private Corpus(List<Sample> samples) {
        this.samples = samples;
    }

    public List<Sample> samples() {
        return samples;
    }

    public static Corpus load(Path promFile) throws IOException {
        List<Sample> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(promFile, StandardCharsets.UTF_8)) {
            lineNo++;
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            try {
                out.add(parseLine(line));
            } catch (RuntimeException e) {
                throw new IOException(promFile + ":" + lineNo + ": not a Prometheus sample line: " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) throw new IOException(promFile + ": no samples found");
        return new Corpus(out);
    }

    static Sample parseLine(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        String name;
        List<String> kv = new ArrayList<>();
        int rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq).strip();
                if (line.charAt(eq + 1) != '"') throw new IllegalArgumentException("label value must be quoted");
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        v.append(n == 'n' ? '\n' : n);
                    } else {
                        v.append(c);
                    }
                }
                kv.add(key);
                kv.add(v.toString());
                i = j + 1;
                if (line.charAt(i) == ',') i++;
            }
            rest = i + 1;
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        String[] parts = line.substring(rest).strip().split("\\s+");
        double value = switch (parts[0]) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(parts[0]);
        };
        boolean counter = name.endsWith("_total") || name.endsWith("_count") || name.endsWith("_sum")
                || name.endsWith("_bucket") || name.endsWith("_seconds_total");
        return new Sample(Series.of(name, Labels.of(kv.toArray(new String[0]))), value, counter);
    }

    /**
     * {@code n} rows in scrape order: every series once per 15 s step. Values keep the precision
     * their series shows (integers stay integers, others get 6 decimals) like real exporters.
     */
    public Rows generate(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int k = samples.size();
        double[] current = new double[k];
        boolean[] integral = new boolean[k];
        for (int i = 0; i < k; i++) {
            current[i] = samples.get(i).value();
            integral[i] = current[i] == Math.rint(current[i]);
        }
        Series[] series = new Series[n];
        long[] ts = new long[n];
        double[] values = new double[n];
        for (int r = 0; r < n; r++) {
            int i = r % k;
            long step = r / k;
            Sample s = samples.get(i);
            double v = current[i];
            if (Double.isFinite(v) && step > 0) {
                double scale = Math.max(1.0, Math.abs(v) * 1e-4);
                double delta = s.counter() ? rnd.nextDouble() * scale : (rnd.nextDouble() - 0.5) * scale;
                v += delta;
                if (!s.counter() && samples.get(i).value() >= 0 && v < 0) v = -v;
                v = integral[i] ? Math.rint(v) : Math.round(v * 1e6) / 1e6;
                current[i] = v;
            }
            series[r] = s.series();
            ts[r] = START_MILLIS + step * STEP_MILLIS;
            values[r] = v;
        }
        return new Rows(series, ts, values);
    }
}
