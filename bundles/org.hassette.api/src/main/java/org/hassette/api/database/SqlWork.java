package org.hassette.api.database;

import java.sql.Connection;
import java.sql.SQLException;
import org.osgi.annotation.versioning.ConsumerType;

/** Work done with a JDBC connection lent by the {@link Database}; never keep the connection. */
@ConsumerType
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
