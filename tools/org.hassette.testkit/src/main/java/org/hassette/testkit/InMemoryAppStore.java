package org.hassette.testkit;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hassette.api.app.AppStore;
import org.hassette.apps.internal.AppStoreRules;

/**
 * The kit's {@link AppStore}: the platform's contract, checked by the same rules
 * ({@link AppStoreRules}: keys 1 to 200 characters, values at most 65,536 characters, entries sorted by
 * key), kept in memory for one test. Seed it with
 * {@link #put} before starting the app to test what an app does with what it stored last time.
 */
public final class InMemoryAppStore implements AppStore {
    private final TreeMap<String, String> entries = new TreeMap<>();

    @Override
    public synchronized Optional<String> get(String key) {
        checkKey(key);
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public synchronized void put(String key, String value) {
        checkKey(key);
        AppStoreRules.checkValue(key, value);
        entries.put(key, value);
    }

    @Override
    public synchronized boolean remove(String key) {
        checkKey(key);
        return entries.remove(key) != null;
    }

    @Override
    public synchronized Map<String, String> entries() {
        return java.util.Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    }

    private static void checkKey(String key) {
        AppStoreRules.checkKey(key);
    }

    @Override
    public synchronized String toString() {
        return "InMemoryAppStore" + entries;
    }
}
