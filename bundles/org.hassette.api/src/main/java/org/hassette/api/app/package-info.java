/**
 * Apps: user automations deployed as bundles.
 *
 * <p>An app is a Declarative Services component registering {@link org.hassette.api.app.App}. The
 * platform's app handler calls {@link org.hassette.api.app.App#start} on a worker thread with an
 * {@link org.hassette.api.app.AppContext} scoped to that app instance: every listener and job it
 * registers through the context is removed when the app stops.
 *
 * <p><b>Readiness gate.</b> An app component must start only while the core is ready. Annotate it
 * with
 * {@code @SatisfyingConditionTarget("(osgi.condition.id=hassette.core.ready)")}
 * ({@code org.osgi.service.component.propertytypes.SatisfyingConditionTarget}, DS 1.5): SCR then
 * activates it only while the condition {@code hassette.core.ready} is registered and deactivates
 * it when the core stops being ready.
 */
@Export
@Version("1.3.0")
package org.hassette.api.app;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
