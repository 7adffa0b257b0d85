package org.hassette.api.lifecycle;

import static org.hassette.api.lifecycle.ResourceStatus.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StatusTransitionsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void normalLifecycleIsLegal() {
        StatusRecord r = StatusRecord.initial("bus", ResourceRole.CORE, T0);
        r = r.transition(STARTING, false, "starting", null, T0);
        r = r.transition(RUNNING, true, "dispatcher running", null, T0);
        r = r.transition(STOPPING, false, "stopping", null, T0);
        r = r.transition(STOPPED, false, "stopped", null, T0);
        assertEquals(STOPPED, r.status());
        assertEquals(STOPPING, r.previous());
        assertFalse(r.ready());
    }

    @Test
    void restartAfterFailureIsLegal() {
        StatusRecord r = StatusRecord.initial("websocket", ResourceRole.CORE, T0)
                .transition(STARTING, false, "connecting", null, T0)
                .transition(FAILED, false, "auth_invalid", new IllegalStateException("token rejected"), T0)
                .transition(STARTING, false, "restart 1/5", null, T0);
        assertEquals(STARTING, r.status());
        assertEquals(FAILED, r.previous());
    }

    @Test
    void illegalTransitionIsRejectedWithClearMessage() {
        StatusRecord stopped = StatusRecord.initial("scheduler", ResourceRole.CORE, T0)
                .transition(STARTING, false, "", null, T0)
                .transition(STOPPED, false, "", null, T0);
        IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                () -> stopped.transition(RUNNING, true, "", null, T0));
        assertEquals("scheduler", e.resource());
        assertEquals(STOPPED, e.from());
        assertEquals(RUNNING, e.to());
        assertTrue(e.getMessage().contains("'scheduler': STOPPED -> RUNNING"), e.getMessage());
        assertTrue(e.getMessage().contains("[STARTING]"), e.getMessage());
    }

    @Test
    void exhaustedDeadOnlyLeadsToStopping() {
        assertEquals(EnumSet.of(STOPPING, STOPPED), StatusTransitions.allowedFrom(EXHAUSTED_DEAD));
        assertFalse(StatusTransitions.isAllowed(EXHAUSTED_DEAD, STARTING));
    }

    @ParameterizedTest
    @EnumSource(ResourceStatus.class)
    void noStatusTransitionsToItself(ResourceStatus s) {
        assertFalse(StatusTransitions.isAllowed(s, s), s + " -> " + s);
    }

    @ParameterizedTest
    @EnumSource(ResourceStatus.class)
    void everyStatusCanBeLeftTowardsAStop(ResourceStatus s) {
        // a platform shutdown must be expressible from any status
        assertTrue(s == STOPPED || StatusTransitions.isAllowed(s, STOPPED) || StatusTransitions.isAllowed(s, STOPPING),
                s + " cannot be stopped");
    }

    @Test
    void onlyStoppedAndDeadAreTerminal() {
        for (ResourceStatus s : values()) {
            assertEquals(s == STOPPED || s == EXHAUSTED_DEAD, s.isTerminal(), s.name());
        }
    }

    @Test
    void labelsRoundTrip() {
        for (ResourceStatus s : values()) {
            assertEquals(s, ResourceStatus.parse(s.label()));
        }
        assertEquals("exhausted_cooling", EXHAUSTED_COOLING.label());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResourceStatus.parse("up"));
        assertTrue(e.getMessage().contains("'up'"));
    }

    @Test
    void recordSummarizesOnlyFirstLineOfError() {
        StatusRecord r = StatusRecord.initial("db", ResourceRole.CORE, T0)
                .transition(FAILED, false, "migration failed",
                        new IllegalStateException("schema v9 is newer than code v3\nsecond line"), T0);
        assertEquals("IllegalStateException: schema v9 is newer than code v3", r.exception());
        assertEquals("migration failed", r.reason());
    }

    @Test
    void withReadinessKeepsStatusAndPrevious() {
        StatusRecord r = StatusRecord.initial("websocket", ResourceRole.CORE, T0)
                .transition(STARTING, false, "", null, T0)
                .transition(RUNNING, false, "connecting", null, T0)
                .withReadiness(true, "authenticated", T0);
        assertEquals(RUNNING, r.status());
        assertEquals(STARTING, r.previous());
        assertTrue(r.ready());
    }
}
