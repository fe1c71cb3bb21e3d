package dev.cistern.spool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** An immutable label set, kept in the order given (Prometheus sends them sorted by name). */
public final class Labels {
    public static final Labels EMPTY = new Labels(new String[0]);

    private final String[] keysAndValues;
    private int hash;

    private Labels(String[] keysAndValues) {
        this.keysAndValues = keysAndValues;
    }

    /** {@code Labels.of("job", "kubelet", "node", "n1")} */
    public static Labels of(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("labels need key/value pairs");
        for (String s : keysAndValues) Objects.requireNonNull(s, "label key or value");
        return new Labels(keysAndValues.clone());
    }

    public static Labels of(Map<String, String> map) {
        String[] kv = new String[map.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            kv[i++] = Objects.requireNonNull(e.getKey(), "label key");
            kv[i++] = Objects.requireNonNull(e.getValue(), "label value");
        }
        return new Labels(kv);
    }

    public int size() { return keysAndValues.length / 2; }
    public String key(int i) { return keysAndValues[2 * i]; }
    public String value(int i) { return keysAndValues[2 * i + 1]; }

    public String get(String key) {
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i].equals(key)) return keysAndValues[i + 1];
        }
        return null;
    }

    /** These labels followed by {@code extra} (keys already present keep their value). */
    public Labels with(Labels extra) {
        if (extra.size() == 0) return this;
        List<String> kv = new ArrayList<>(Arrays.asList(keysAndValues));
        for (int i = 0; i < extra.size(); i++) {
            if (get(extra.key(i)) == null) {
                kv.add(extra.key(i));
                kv.add(extra.value(i));
            }
        }
        return new Labels(kv.toArray(new String[0]));
    }

    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put(keysAndValues[i], keysAndValues[i + 1]);
        return Collections.unmodifiableMap(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels l && Arrays.equals(keysAndValues, l.keysAndValues);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) hash = h = Arrays.hashCode(keysAndValues);
        return h;
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
