package org.hassette.deploy.internal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class UnresolvedBundleReporterTest {
    @Test
    void filtersBecomeReadablePackageAndRange() {
        assertEquals("org.example.nowhere", UnresolvedBundleReporter.describe("(osgi.wiring.package=org.example.nowhere)"));
        assertEquals("org.example.api [1.2.0, 2.0.0)", UnresolvedBundleReporter.describe(
                "(&(osgi.wiring.package=org.example.api)(version>=1.2.0)(!(version>=2.0.0)))"));
        assertEquals("org.example.bundle [1.0.0, ∞)", UnresolvedBundleReporter.describe(
                "(&(osgi.wiring.bundle=org.example.bundle)(bundle-version>=1.0.0))"));
        assertEquals("(weird)", UnresolvedBundleReporter.describe("(weird)"));
    }
}
