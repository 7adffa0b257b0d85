package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.StatusTransitions;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.test.common.annotation.InjectBundleContext;

/** The API bundle exports its versioned packages and keeps nothing else visible. */
class ApiExportIT {
    @InjectBundleContext
    BundleContext context;

    @Test
    void lifecyclePackageIsExportedAtVersion1_3() {
        Bundle api = bundle("org.hassette.api");
        List<BundleCapability> exports = api.adapt(BundleWiring.class).getCapabilities("osgi.wiring.package");
        BundleCapability lifecycle = exports.stream()
                .filter(c -> "org.hassette.api.lifecycle".equals(c.getAttributes().get("osgi.wiring.package")))
                .findFirst().orElseThrow(() -> new AssertionError("org.hassette.api.lifecycle is not exported"));
        assertEquals(new Version(1, 3, 0), lifecycle.getAttributes().get("version"));
    }

    @Test
    void testBundleSeesTheSameStatusModelClasses() {
        // wired through the export, not a private copy: the classes come from the API bundle
        Bundle owner = org.osgi.framework.FrameworkUtil.getBundle(ResourceStatus.class);
        assertEquals("org.hassette.api", owner.getSymbolicName());
        assertFalse(StatusTransitions.isAllowed(ResourceStatus.STOPPED, ResourceStatus.RUNNING));
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(bsn + " is not installed");
    }
}
