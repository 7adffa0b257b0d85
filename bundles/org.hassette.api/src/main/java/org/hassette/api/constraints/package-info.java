/**
 * Typed, named, reusable constraints for listeners and jobs: a {@link org.hassette.api.constraints.Constraint}
 * checks a {@link org.hassette.api.constraints.ConstraintContext} (time, zone, sun times, entity states)
 * and answers with a {@link org.hassette.api.constraints.Verdict} that names the constraint that said no
 * and why. Ready-made ones (time windows, sun-relative windows, days, entity states, presence) and the
 * combinators are in {@link org.hassette.api.constraints.Constraints}. Plain Java: usable in unit tests
 * without OSGi through {@link org.hassette.api.constraints.ConstraintContext#of}.
 */
@Export
@Version("1.0.0")
package org.hassette.api.constraints;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
