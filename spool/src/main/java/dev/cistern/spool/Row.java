package dev.cistern.spool;

/**
 * A row read back: its stream, the JSON line as written, and the fields the scanner read from it
 * (name null for rows without one, ts {@link Long#MIN_VALUE} when the row has no integral "ts").
 */
public record Row(String stream, String json, String name, long ts) {
}
