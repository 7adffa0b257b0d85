package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.test.common.annotation.InjectBundleContext;

/**
 * Audit finding 6 (one god object doing coordination, sessions and crash handling): the coordinator,
 * the session tracker and the watcher are separate bundles that talk only through the API bundle's
 * services — none exports a package, and none is wired to another's.
 */
class ResponsibilitySplitIT {
    private static final Set<String> SPLIT = Set.of("org.hassette.coordinator", "org.hassette.session", "org.hassette.watcher");

    @InjectBundleContext
    BundleContext context;

    @Test
    void coordinatorSessionAndWatcherAreSeparateBundlesWiredOnlyToTheApi() {
        List<Bundle> bundles = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (SPLIT.contains(b.getSymbolicName())) {
                bundles.add(b);
            }
        }
        assertEquals(SPLIT.size(), bundles.size(), "one bundle each: " + bundles);
        for (Bundle b : bundles) {
            assertEquals(Bundle.ACTIVE, b.getState(), b.getSymbolicName());
            BundleWiring wiring = b.adapt(BundleWiring.class);
            assertTrue(wiring.getCapabilities("osgi.wiring.package").isEmpty(),
                    b.getSymbolicName() + " exports nothing: " + wiring.getCapabilities("osgi.wiring.package"));
            for (BundleWire wire : wiring.getRequiredWires("osgi.wiring.package")) {
                String provider = wire.getProvider().getBundle().getSymbolicName();
                String pkg = String.valueOf(wire.getCapability().getAttributes().get("osgi.wiring.package"));
                assertFalse(SPLIT.contains(provider), b.getSymbolicName() + " imports " + pkg + " from " + provider);
                assertFalse(pkg.contains(".internal"), b.getSymbolicName() + " imports an internal package " + pkg);
                if (pkg.startsWith("org.hassette.")) {
                    assertEquals("org.hassette.api", provider, b.getSymbolicName() + " imports " + pkg);
                }
            }
        }
    }
}
