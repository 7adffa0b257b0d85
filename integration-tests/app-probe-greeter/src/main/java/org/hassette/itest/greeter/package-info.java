/** The greeter app's service, for other apps. */
@Export
@Version("1.0.0")
package org.hassette.itest.greeter;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
