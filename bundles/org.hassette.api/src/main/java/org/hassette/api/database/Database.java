package org.hassette.api.database;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The platform's SQLite database. Registered only while ready: file open, WAL on, migrations
 * applied, writer thread running.
 */
@ProviderType
public interface Database {
    /**
     * Queues {@code work} for the single writer thread, in one transaction. The future fails with
     * {@link DatabaseBusyException} at once when the bounded write queue is full (nothing is queued
     * then), or with the {@link SQLException} of the work (the transaction is rolled back).
     */
    <T> CompletableFuture<T> write(SqlWork<T> work);

    /** Runs read-only {@code work} on the calling thread with a read connection (WAL: readers never wait for the writer). */
    <T> T read(SqlWork<T> work) throws SQLException;

    /** The schema version the database is at ({@code PRAGMA user_version}). */
    int schemaVersion();

    /** The database file. */
    Path file();
}
