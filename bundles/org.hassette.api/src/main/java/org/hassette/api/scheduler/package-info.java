/**
 * Time-based scheduling for apps and core services: the {@link org.hassette.api.scheduler.Scheduler}
 * service, its job options and handles, and the {@link org.hassette.api.scheduler.Clock} it reads,
 * with a {@link org.hassette.api.scheduler.VirtualClock} for tests in virtual time.
 */
@Export
@Version("1.2.0")
package org.hassette.api.scheduler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
