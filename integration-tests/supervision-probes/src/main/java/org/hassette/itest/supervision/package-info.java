/** Control of the supervision probes, for tests only. */
@Export
@Version("1.0.0")
package org.hassette.itest.supervision;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
