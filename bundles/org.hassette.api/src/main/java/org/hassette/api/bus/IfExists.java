package org.hassette.api.bus;

/** What a registration does when a listener with the same name exists. */
public enum IfExists {
    /** Refuse with {@link IllegalStateException}. */
    ERROR,
    /** Return the existing subscription if its options are the same, else refuse naming the differences. */
    SKIP,
    /** Cancel the existing listener and register the new one. */
    REPLACE
}
