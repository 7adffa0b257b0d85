package org.hassette.api.database;

/** The write queue is full: the write was not queued. */
public class DatabaseBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseBusyException(String message) {
        super(message);
    }
}
