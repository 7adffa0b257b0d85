package org.hassette.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.hassette.api.app.AppStore;

/**
 * The kit's {@link AppStore}: the same contract as the platform's (keys 1 to 200 characters, values
 * at most 64 KiB of UTF-8, entries sorted by key), kept in memory for one test. Seed it with
 * {@link #put} before starting the app to test what an app does with what it stored last time.
 */
public final class InMemoryAppStore implements AppStore {
    static final int MAX_KEY = 200;
    static final int MAX_VALUE_BYTES = 64 * 1024;
    private final TreeMap<String, String> entries = new TreeMap<>();

    @Override
    public synchronized Optional<String> get(String key) {
        checkKey(key);
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public synchronized void put(String key, String value) {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("value of '" + key + "' is " + bytes + " bytes; at most " + MAX_VALUE_BYTES);
        }
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
        if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
            throw new IllegalArgumentException("store keys are 1 to " + MAX_KEY + " characters, got "
                    + (key == null ? "null" : key.length() + " characters"));
        }
    }

    @Override
    public synchronized String toString() {
        return "InMemoryAppStore" + entries;
    }
}
