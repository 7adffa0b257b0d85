/**
 * Session tracking: one row per run of the platform, with heartbeat and crash record.
 */
@Export
@Version("1.0.0")
package org.hassette.api.session;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
