/**
 * Lifecycle status model shared by every Hassette resource (core services and apps).
 *
 * <p>A resource moves through {@link org.hassette.api.lifecycle.ResourceStatus} values along the
 * legal edges of {@link org.hassette.api.lifecycle.StatusTransitions}; each change is captured as a
 * {@link org.hassette.api.lifecycle.StatusRecord}. Readiness is orthogonal to status: a RUNNING
 * resource is not necessarily ready.
 */
@Export
@Version("1.3.0")
package org.hassette.api.lifecycle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
