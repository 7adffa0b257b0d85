/**
 * Platform-wide control: the one way to shut the platform down because something is fatal.
 */
@Export
@Version("1.0.0")
package org.hassette.api.platform;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
