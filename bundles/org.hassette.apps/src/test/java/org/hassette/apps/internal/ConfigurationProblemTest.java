package org.hassette.apps.internal;

import static org.junit.jupiter.api.Assertions.*;

import org.hassette.api.app.AppConfigurationException;
import org.hassette.api.scheduler.InvalidScheduleException;
import org.junit.jupiter.api.Test;

/** Which failed starts are configuration problems (failed at once, not retried). */
class ConfigurationProblemTest {
    @Test
    void anInvalidScheduleDirectlyOrAsACauseIsAConfigurationProblem() {
        InvalidScheduleException cron = new InvalidScheduleException("every tuesday", 1, "expected 5 or 6 fields");
        assertEquals(cron.getMessage(), AppHandler.configurationProblem(null, cron));
        assertEquals(cron.getMessage(), AppHandler.configurationProblem(null, new IllegalStateException("setting up the schedule", cron)));
    }

    @Test
    void anAppConfigurationExceptionIsOneAndOtherFailuresAreNot() {
        assertEquals("threshold must be positive",
                AppHandler.configurationProblem(null, new RuntimeException(new AppConfigurationException("threshold must be positive"))));
        assertNull(AppHandler.configurationProblem(null, new IllegalStateException("boom")));
        assertNull(AppHandler.configurationProblem(null, new IllegalArgumentException("not a schedule")));
    }
}
