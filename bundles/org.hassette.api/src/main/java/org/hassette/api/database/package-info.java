/**
 * The platform database: one SQLite file in the home folder, one writer thread, versioned schema.
 */
@Export
@Version("1.0.0")
package org.hassette.api.database;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
