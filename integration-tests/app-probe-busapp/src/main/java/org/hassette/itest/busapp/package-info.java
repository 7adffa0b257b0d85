/** What the bus and scheduler probe app tells the integration test. */
@Export
@Version("1.0.0")
package org.hassette.itest.busapp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
