/**
 * Home Assistant for bundles and apps: the live connection ({@link org.hassette.api.ha.HomeAssistantConnection}),
 * typed calls ({@link org.hassette.api.ha.HomeAssistantApi}) and the mirrored entity states
 * ({@link org.hassette.api.ha.StateCache}). Each is registered as an OSGi service only while it is
 * ready. Values are plain Java: {@code Map}, {@code List}, {@code String}, {@code Long}, {@code Double},
 * {@code Boolean} and {@code null}; no JSON library leaks into this package.
 */
@Export
@Version("1.2.0")
package org.hassette.api.ha;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
