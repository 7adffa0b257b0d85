/**
 * Execution history: one record per handler call of a bus listener and per run of a scheduled job,
 * with when it started, how long it took, how it ended and which app it belongs to.
 */
@Export
@Version("1.0.0")
package org.hassette.api.execution;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
