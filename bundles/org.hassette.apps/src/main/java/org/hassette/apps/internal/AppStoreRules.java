package org.hassette.apps.internal;

/**
 * The {@link org.hassette.api.app.AppStore} contract's limits, in one place for the platform's store
 * and the test kit's in-memory one, so an app test fails exactly where production would.
 */
public final class AppStoreRules {
    public static final int MAX_KEY = 200;
    public static final int MAX_VALUE = 64 * 1024;

    private AppStoreRules() {
    }

    /** Keys are 1 to {@value #MAX_KEY} characters. */
    public static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
            throw new IllegalArgumentException("store key must have 1 to " + MAX_KEY + " characters, got "
                    + (key == null ? "null" : key.length() + ": '" + key.substring(0, Math.min(40, key.length())) + "'"));
        }
    }

    /** Values are not null and at most {@value #MAX_VALUE} characters. */
    public static void checkValue(String key, String value) {
        if (value == null) {
            throw new IllegalArgumentException("store value for '" + key + "' is null; use remove(key)");
        }
        if (value.length() > MAX_VALUE) {
            throw new IllegalArgumentException("store value for '" + key + "' has " + value.length()
                    + " characters; at most " + MAX_VALUE + " are allowed");
        }
    }
}
