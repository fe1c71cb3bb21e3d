package dev.cistern.agent.journal;

/**
 * Chronicle's usage analytics and startup announcer are switched off before any Chronicle class
 * loads: Cistern opens no connection except to configured destinations.
 */
public final class ChronicleSettings {
    private ChronicleSettings() {}

    public static void apply() {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        System.setProperty("chronicle.disk.monitor.disable", "true");
    }
}
