package org.hassette.database.internal;

import java.nio.file.Path;

/**
 * The database file was written by a newer Hassette: its schema version is above the newest one this
 * code knows. Opening it would risk corrupting data the newer version relies on, so the database
 * refuses to start. The restart policy lists this type name as fatal.
 */
public class SchemaTooNewException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int found;
    private final int supported;

    public SchemaTooNewException(Path file, int found, int supported) {
        super("database file " + file + " has schema version " + found + " but this Hassette supports at most version "
                + supported + ": it was written by a newer Hassette. Run that newer version again, or move the file away"
                + " to start with an empty database (this version cannot read its data)");
        this.found = found;
        this.supported = supported;
    }

    /** The version found in the file ({@code PRAGMA user_version}). */
    public int found() {
        return found;
    }

    /** The newest version this code can migrate to. */
    public int supported() {
        return supported;
    }
}
