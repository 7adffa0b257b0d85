package org.hassette.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.apache.felix.hc.api.Result;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.ResourceStatus;
import org.junit.jupiter.api.Test;

class ResourceHealthTest {
    private static ResourceReport core(ResourceStatus status, boolean ready, String... chain) {
        return new ResourceReport("database", ResourceRole.CORE, status, ready, "reason", 0, List.of(chain));
    }

    private static String message(Result r) {
        return r.iterator().next().getMessage();
    }

    @Test
    void readyResourceIsOkWithItsReason() {
        Result r = ResourceHealth.ready("database", core(ResourceStatus.RUNNING, true), true, false);
        assertEquals(Result.Status.OK, r.getStatus());
        assertEquals("database: ready, reason", message(r));
    }

    @Test
    void requiredNotReadyIsTemporaryWhileStartingAndCriticalAfterWithTheChain() {
        ResourceReport failed = core(ResourceStatus.FAILED, false, "database: FAILED, disk full", "x: y");
        assertEquals(Result.Status.TEMPORARILY_UNAVAILABLE, ResourceHealth.ready("database", failed, true, true).getStatus());
        Result after = ResourceHealth.ready("database", failed, true, false);
        assertEquals(Result.Status.CRITICAL, after.getStatus());
        assertEquals("database: FAILED, disk full → x: y", message(after));
    }

    @Test
    void givenUpIsCriticalEvenWhileStartingAndSaysWhatToDo() {
        Result r = ResourceHealth.ready("database", core(ResourceStatus.EXHAUSTED_DEAD, false, "database: dead"), true, true);
        assertEquals(Result.Status.CRITICAL, r.getStatus());
        assertTrue(message(r).contains("hassette:restart database"), message(r));
    }

    @Test
    void notRequiredIsOnlyAWarning() {
        Result r = ResourceHealth.ready("database", core(ResourceStatus.FAILED, false, "database: FAILED"), false, false);
        assertEquals(Result.Status.WARN, r.getStatus());
        assertTrue(message(r).endsWith("(not required for core readiness)"), message(r));
    }

    @Test
    void missingRequiredResourceIsNotReadyAndNamed() {
        Result r = ResourceHealth.ready("database", null, true, false);
        assertEquals(Result.Status.CRITICAL, r.getStatus());
        assertTrue(message(r).startsWith("database: not installed"), message(r));
    }

    @Test
    void aliveMeansNotDead() {
        assertEquals(Result.Status.OK, ResourceHealth.alive("database", core(ResourceStatus.STARTING, false), true).getStatus());
        assertEquals(Result.Status.OK, ResourceHealth.alive("database", null, true).getStatus());
        assertEquals(Result.Status.WARN, ResourceHealth.alive("database", core(ResourceStatus.FAILED, false, "d"), true).getStatus());
        assertEquals(Result.Status.WARN, ResourceHealth.alive("database", core(ResourceStatus.EXHAUSTED_COOLING, false, "d"), true).getStatus());
        assertEquals(Result.Status.CRITICAL, ResourceHealth.alive("database", core(ResourceStatus.EXHAUSTED_DEAD, false, "d"), true).getStatus());
        assertEquals(Result.Status.WARN, ResourceHealth.alive("database", core(ResourceStatus.EXHAUSTED_DEAD, false, "d"), false).getStatus(),
                "a dead resource the core does not need does not make the platform dead");
    }

    @Test
    void appVerdictsFollowTheAppStatus() {
        ResourceReport running = new ResourceReport("app:a", ResourceRole.APP, ResourceStatus.RUNNING, true, "", 0, List.of());
        ResourceReport failed = new ResourceReport("app:a", ResourceRole.APP, ResourceStatus.FAILED, false, "boom", 0,
                List.of("app:a: FAILED, boom"));
        ResourceReport stopped = new ResourceReport("app:a", ResourceRole.APP, ResourceStatus.STOPPED, false, "by operator", 0, List.of());
        ResourceReport starting = new ResourceReport("app:a", ResourceRole.APP, ResourceStatus.STARTING, false, "", 0, List.of());
        assertEquals(Result.Status.OK, ResourceHealth.app("app:a", running).getStatus());
        assertEquals(Result.Status.CRITICAL, ResourceHealth.app("app:a", failed).getStatus());
        assertTrue(message(ResourceHealth.app("app:a", failed)).startsWith("app:a: FAILED, boom"));
        assertEquals(Result.Status.WARN, ResourceHealth.app("app:a", stopped).getStatus());
        assertEquals(Result.Status.TEMPORARILY_UNAVAILABLE, ResourceHealth.app("app:a", starting).getStatus());
    }
}
