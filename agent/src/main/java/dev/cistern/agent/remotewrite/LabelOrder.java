package dev.cistern.agent.remotewrite;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Labels are stored sorted by name, as Prometheus keeps them. Prometheus sends them sorted, so a
 * check finds them in order and nothing is copied; only a new series pays this (it is cached).
 */
public final class LabelOrder {
    private LabelOrder() {}

    /** Key/value pairs sorted by key: {@code kv} itself when it already is. */
    public static String[] sorted(String[] kv) {
        boolean inOrder = true;
        for (int i = 2; i < kv.length && inOrder; i += 2) inOrder = kv[i - 2].compareTo(kv[i]) <= 0;
        if (inOrder) return kv;
        Integer[] pairs = new Integer[kv.length / 2];
        for (int i = 0; i < pairs.length; i++) pairs[i] = i;
        Arrays.sort(pairs, Comparator.comparing(i -> kv[2 * i])); // stable: equal names keep their order
        String[] out = new String[kv.length];
        for (int i = 0; i < pairs.length; i++) {
            out[2 * i] = kv[2 * pairs[i]];
            out[2 * i + 1] = kv[2 * pairs[i] + 1];
        }
        return out;
    }
}
