/** Services and controls of the test probes (test-only; never part of the platform). */
@Export
@Version("1.0.0")
package org.hassette.itest.probes;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
